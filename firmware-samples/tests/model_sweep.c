/*
 * model_sweep - loads every model named on stdin (one path per line), creates a session for each one that loads and
 * runs it once on zeros, through the C ABI. Each must either work or be refused with a status that names the
 * problem: CNNRT_ERROR_INTERNAL (a bug, or something the trimmed library lacks) fails the test.
 * Prints the count per status.
 */
#include "cnnrt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    char line[4096];
    int load[16] = {0}, create[16] = {0}, run[16] = {0}, internal = 0, total = 0, i;
    while (fgets(line, sizeof line, stdin)) {
        cnnrt_model* m = NULL;
        cnnrt_session* s = NULL;
        cnnrt_status st;
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0]) continue;
        total++;
        st = cnnrt_model_load_file(line, &m);
        load[st < 0 || st > 15 ? 15 : st]++;
        if (st == CNNRT_ERROR_INTERNAL) { internal++; printf("INTERNAL loading %s: %s\n", line, cnnrt_last_error()); }
        if (st != CNNRT_OK) continue;
        st = cnnrt_session_create(m, NULL, &s);
        create[st < 0 || st > 15 ? 15 : st]++;
        if (st == CNNRT_ERROR_INTERNAL) { internal++; printf("INTERNAL planning %s: %s\n", line, cnnrt_last_error()); }
        if (st == CNNRT_OK) {
            /* Zeros into every input (any count), into outputs sized from their shapes. */
            size_t ni = cnnrt_session_input_count(s), no = cnnrt_session_output_count(s), k, d;
            const float** ins = (const float**)calloc(ni + 1, sizeof *ins);
            float** outs = (float**)calloc(no + 1, sizeof *outs);
            size_t *in_n = (size_t*)calloc(ni + 1, sizeof *in_n), *out_n = (size_t*)calloc(no + 1, sizeof *out_n);
            for (k = 0; k < ni + no; k++) {
                int64_t dims[32];
                size_t rank = 0, n = 1;
                if (k < ni) cnnrt_session_input_shape(s, k, dims, 32, &rank);
                else cnnrt_session_output_shape(s, k - ni, dims, 32, &rank);
                for (d = 0; d < rank; d++) n *= (size_t)dims[d];
                if (k < ni) { in_n[k] = n; ins[k] = (const float*)calloc(n + 1, sizeof(float)); }
                else { out_n[k - ni] = n; outs[k - ni] = (float*)calloc(n + 1, sizeof(float)); }
            }
            st = cnnrt_session_run(s, ins, in_n, ni, outs, out_n, no);
            run[st < 0 || st > 15 ? 15 : st]++;
            if (st == CNNRT_ERROR_INTERNAL) { internal++; printf("INTERNAL running %s: %s\n", line, cnnrt_last_error()); }
            for (k = 0; k < ni; k++) free((void*)ins[k]);
            for (k = 0; k < no; k++) free(outs[k]);
            free(ins); free(outs); free(in_n); free(out_n);
        }
        cnnrt_session_free(s);
        cnnrt_model_free(m);
    }
    printf("%d models\n", total);
    for (i = 0; i < 16; i++)
        if (load[i] || create[i] || run[i])
            printf("  %-30s load %4d  session %4d  run %4d\n", cnnrt_status_string(i), load[i], create[i], run[i]);
    return internal || total == 0 ? 1 : 0;
}
