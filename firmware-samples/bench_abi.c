/*
 * bench_abi - times runs of a model through the C ABI (cnnrt_session_run_f32), to compare with the C# API:
 *     bench_abi MODEL [--runs N] [--warmup N] [--threads N]
 *     dotnet run --project src/Cli -c Release -- bench MODEL --runs N --warmup N --threads N
 * Same inputs as `cnnrt bench` (uniform in [-1, 1)), same statistics (median, p90, p99, min in ms).
 * `cnnrt bench` times session.Run() on inputs already in the arena; cnnrt_session_run_f32 also copies the input in
 * and the output out, so the difference includes that copy (a few hundred floats for small models).
 */
#define _POSIX_C_SOURCE 199309L
#include "cnnrt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp_double(const void* a, const void* b)
{
    double x = *(const double*)a, y = *(const double*)b;
    return x < y ? -1 : x > y;
}

static size_t element_count(const cnnrt_session* s, int output)
{
    int64_t dims[16];
    size_t rank = 0, n = 1;
    cnnrt_status st = output ? cnnrt_session_output_shape(s, 0, dims, 16, &rank) : cnnrt_session_input_shape(s, 0, dims, 16, &rank);
    if (st != CNNRT_OK) return 0;
    for (size_t i = 0; i < rank; i++) n *= (size_t)dims[i];
    return n;
}

int main(int argc, char** argv)
{
    const char* path = NULL;
    int runs = 100, warmup = 10, threads = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--runs") && i + 1 < argc) runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--warmup") && i + 1 < argc) warmup = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = atoi(argv[++i]);
        else if (argv[i][0] != '-' && !path) path = argv[i];
        else { fprintf(stderr, "usage: bench_abi MODEL [--runs N] [--warmup N] [--threads N]\n"); return 2; }
    }
    if (!path || runs < 1 || warmup < 0 || threads < 0) {
        fprintf(stderr, "usage: bench_abi MODEL [--runs N] [--warmup N] [--threads N]\n");
        return 2;
    }

    cnnrt_model* model = NULL;
    cnnrt_session* session = NULL;
    cnnrt_session_options options = CNNRT_SESSION_OPTIONS_INIT;
    options.threads = threads;
    if (cnnrt_model_load_file(path, &model) != CNNRT_OK || cnnrt_session_create(model, &options, &session) != CNNRT_OK) {
        fprintf(stderr, "bench_abi: %s\n", cnnrt_last_error());
        cnnrt_model_free(model);
        return 1;
    }
    size_t in_n = element_count(session, 0), out_n = element_count(session, 1);
    float* input = malloc(in_n * sizeof *input);
    float* output = malloc(out_n * sizeof *output);
    double* times = malloc((size_t)runs * sizeof *times);
    if (!input || !output || !times) { fprintf(stderr, "bench_abi: out of memory\n"); return 1; }
    srand(1234);
    for (size_t i = 0; i < in_n; i++) input[i] = (float)(rand() / (RAND_MAX + 1.0) * 2 - 1);

    int rc = 0;
    for (int i = 0; i < warmup && rc == 0; i++)
        if (cnnrt_session_run_f32(session, input, in_n, output, out_n) != CNNRT_OK) rc = 1;
    double start = now_ms();
    for (int i = 0; i < runs && rc == 0; i++) {
        double t0 = now_ms();
        if (cnnrt_session_run_f32(session, input, in_n, output, out_n) != CNNRT_OK) rc = 1;
        times[i] = now_ms() - t0;
    }
    double loop_ms = now_ms() - start;
    /* The same runs again with one clock around them all: the mean without the clock's own cost per run. */
    start = now_ms();
    for (int i = 0; i < runs && rc == 0; i++)
        if (cnnrt_session_run_f32(session, input, in_n, output, out_n) != CNNRT_OK) rc = 1;
    double bare_ms = now_ms() - start;
    if (rc) {
        fprintf(stderr, "bench_abi: %s\n", cnnrt_last_error());
    } else {
        qsort(times, (size_t)runs, sizeof *times, cmp_double);
        double median = runs % 2 ? times[runs / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2;
#define PCT(p) times[(int)ceil((p) * runs) - 1 < runs ? (int)ceil((p) * runs) - 1 : runs - 1]
        printf("model: %s (%zu floats in, %zu out), cnnrt %s\n", path, in_n, out_n, cnnrt_version_string());
        printf("runs: %d (after %d warm-up), threads: %d, through the C ABI (cnnrt_session_run_f32)\n", runs, warmup, threads);
        printf("latency ms: median %.4f  p90 %.4f  p99 %.4f  min %.4f\n", median, PCT(0.90), PCT(0.99), times[0]);
        printf("mean us per run: %.3f (timed one by one: %.3f)\n", bare_ms * 1e3 / runs, loop_ms * 1e3 / runs);
    }
    free(input);
    free(output);
    free(times);
    cnnrt_session_free(session);
    cnnrt_model_free(model);
    return rc;
}
