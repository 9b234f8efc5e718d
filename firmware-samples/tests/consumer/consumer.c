/* consumer MODEL - the smallest program using libcnnrt: load a model, run it on zeros, print the top class. */
#include <cnnrt.h>
#include <stdio.h>

int main(int argc, char** argv)
{
    cnnrt_model* model = NULL;
    cnnrt_session* session = NULL;
    static float input[784], output[10];
    size_t best;
    if (argc != 2) return 2;
    if (cnnrt_abi_version() != CNNRT_ABI_VERSION) return 1;
    if (cnnrt_model_load_file(argv[1], &model) != CNNRT_OK || cnnrt_session_create(model, NULL, &session) != CNNRT_OK ||
        cnnrt_session_run_f32(session, input, 784, output, 10) != CNNRT_OK || cnnrt_top_k(output, 10, 1, &best, NULL) != CNNRT_OK) {
        fprintf(stderr, "consumer: %s\n", cnnrt_last_error());
        return 1;
    }
    printf("cnnrt %s (ABI %u): class %zu\n", cnnrt_version_string(), cnnrt_abi_version(), best);
    cnnrt_session_free(session);
    cnnrt_model_free(model);
    return 0;
}
