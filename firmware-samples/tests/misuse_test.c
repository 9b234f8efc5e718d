/*
 * misuse_test - every misuse of the C ABI is answered with its status and a message, never a crash.
 *     misuse_test MODEL WORKDIR
 * Prints one line per check ("ok" or "FAIL"); exits 1 when any check fails. WORKDIR receives the broken model files
 * it makes (truncated, random bytes, empty).
 */
#include "cnnrt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures, checks;

/* Checks that a call returned `expected`; a failure must also leave a non-empty message, a success an empty one. */
static void expect(const char* what, cnnrt_status got, cnnrt_status expected)
{
    const char* msg = cnnrt_last_error();
    int ok = got == expected && msg != NULL && (expected == CNNRT_OK ? msg[0] == '\0' : msg[0] != '\0');
    checks++;
    if (!ok) failures++;
    printf("%s %-62s %s%s%s%s\n", ok ? "ok  " : "FAIL", what, cnnrt_status_string(got),
           got != expected ? " (expected " : "", got != expected ? cnnrt_status_string(expected) : "", got != expected ? ")" : "");
    if (msg && msg[0]) printf("       %s\n", msg);
}

static void expect_true(const char* what, int condition)
{
    checks++;
    if (!condition) failures++;
    printf("%s %s\n", condition ? "ok  " : "FAIL", what);
}

/* A count-returning call: 0 and a message with `needle` in it. */
static void expect_zero_count(const char* what, size_t got, const char* needle)
{
    const char* msg = cnnrt_last_error();
    int ok = got == 0 && msg[0] != '\0' && strstr(msg, needle) != NULL;
    checks++;
    if (!ok) failures++;
    printf("%s %-62s returns %zu\n       %s\n", ok ? "ok  " : "FAIL", what, got, msg);
}

static unsigned char* read_file(const char* path, size_t* size)
{
    FILE* f = fopen(path, "rb");
    unsigned char* data;
    long n;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    data = (unsigned char*)malloc(n > 0 ? (size_t)n : 1);
    if (data && fread(data, 1, (size_t)n, f) != (size_t)n) {
        free(data);
        data = NULL;
    }
    fclose(f);
    *size = (size_t)n;
    return data;
}

static int write_file(const char* path, const void* data, size_t size)
{
    FILE* f = fopen(path, "wb");
    int ok = f && fwrite(data, 1, size, f) == size;
    if (f) fclose(f);
    return ok;
}

int main(int argc, char** argv)
{
    const char *model_path, *workdir;
    char truncated[1024], random_path[1024], empty[1024];
    unsigned char *bytes, *noise;
    size_t size, i, len, rank;
    cnnrt_model *model = NULL, *m2 = NULL;
    cnnrt_session *session = NULL, *s2 = NULL, *s3 = NULL;
    float input[784], output[10], big_input[2 * 784], big_output[20];
    int64_t dims[4];
    char buf[256];
    unsigned seed = 12345;

    if (argc != 3) {
        fprintf(stderr, "usage: misuse_test MODEL WORKDIR\n");
        return 2;
    }
    model_path = argv[1];
    workdir = argv[2];
    bytes = read_file(model_path, &size);
    if (!bytes) {
        fprintf(stderr, "misuse_test: cannot read %s\n", model_path);
        return 2;
    }
    snprintf(truncated, sizeof truncated, "%s/truncated.onnx", workdir);
    snprintf(random_path, sizeof random_path, "%s/random.onnx", workdir);
    snprintf(empty, sizeof empty, "%s/empty.onnx", workdir);
    noise = (unsigned char*)malloc(4096);
    for (i = 0; i < 4096; i++) {
        seed = seed * 1103515245u + 12345u;
        noise[i] = (unsigned char)(seed >> 16);
    }
    if (!write_file(truncated, bytes, size / 2) || !write_file(random_path, noise, 4096) || !write_file(empty, "", 0)) {
        fprintf(stderr, "misuse_test: cannot write to %s\n", workdir);
        return 2;
    }
    memset(input, 0, sizeof input);
    memset(big_input, 0, sizeof big_input);

    /* ---- library ---- */
    expect_true("cnnrt_abi_version() == CNNRT_ABI_VERSION", cnnrt_abi_version() == CNNRT_ABI_VERSION);
    expect_true("cnnrt_version_string() is not empty", cnnrt_version_string() && cnnrt_version_string()[0]);
    expect_true("cnnrt_last_error() is \"\" before any failure", cnnrt_last_error() && cnnrt_last_error()[0] == '\0');
    expect_true("cnnrt_status_string names every status",
                !strcmp(cnnrt_status_string(CNNRT_ERROR_INVALID_HANDLE), "CNNRT_ERROR_INVALID_HANDLE") &&
                    !strcmp(cnnrt_status_string(CNNRT_OK), "CNNRT_OK") &&
                    !strcmp(cnnrt_status_string(-7), "CNNRT_ERROR_UNKNOWN") &&
                    !strcmp(cnnrt_status_string(CNNRT_ERROR_INTERNAL + 1), "CNNRT_ERROR_UNKNOWN"));

    /* ---- loading ---- */
    model = (cnnrt_model*)&seed;
    expect("load_file(NULL path)", cnnrt_model_load_file(NULL, &model), CNNRT_ERROR_NULL_ARGUMENT);
    expect_true("  ... and *out_model is set to NULL", model == NULL);
    expect("load_file(path, NULL out_model)", cnnrt_model_load_file(model_path, NULL), CNNRT_ERROR_NULL_ARGUMENT);
    expect("load_file(\"\")", cnnrt_model_load_file("", &model), CNNRT_ERROR_INVALID_ARGUMENT);
    expect("load_file(missing file)", cnnrt_model_load_file("/nonexistent/dir/model.onnx", &model), CNNRT_ERROR_IO);
    expect("load_file(a directory: unreadable as a file)", cnnrt_model_load_file(workdir, &model), CNNRT_ERROR_IO);
    expect("load_file(truncated model, half its bytes)", cnnrt_model_load_file(truncated, &model), CNNRT_ERROR_INVALID_MODEL);
    expect("load_file(4096 random bytes)", cnnrt_model_load_file(random_path, &model), CNNRT_ERROR_INVALID_MODEL);
    expect("load_file(empty file)", cnnrt_model_load_file(empty, &model), CNNRT_ERROR_INVALID_MODEL);
    expect("load_memory(NULL data)", cnnrt_model_load_memory(NULL, 100, &model), CNNRT_ERROR_NULL_ARGUMENT);
    expect("load_memory(data, size, NULL out_model)", cnnrt_model_load_memory(bytes, size, NULL), CNNRT_ERROR_NULL_ARGUMENT);
    expect("load_memory(truncated)", cnnrt_model_load_memory(bytes, size / 3, &model), CNNRT_ERROR_INVALID_MODEL);
    expect("load_memory(random bytes)", cnnrt_model_load_memory(noise, 4096, &model), CNNRT_ERROR_INVALID_MODEL);
    expect("load_memory(size 0)", cnnrt_model_load_memory(bytes, 0, &model), CNNRT_ERROR_INVALID_MODEL);

    /* A model from memory does not keep the bytes: scribble over them before use. */
    expect("load_memory(the model's bytes)", cnnrt_model_load_memory(bytes, size, &m2), CNNRT_OK);
    memset(bytes, 0xAB, size);
    expect("load_file(model)", cnnrt_model_load_file(model_path, &model), CNNRT_OK);

    /* ---- metadata ---- */
    expect("metadata(NULL model)", cnnrt_model_metadata(NULL, "labels", buf, sizeof buf, &len), CNNRT_ERROR_NULL_ARGUMENT);
    expect("metadata(NULL key)", cnnrt_model_metadata(model, NULL, buf, sizeof buf, &len), CNNRT_ERROR_NULL_ARGUMENT);
    expect("metadata(missing key)", cnnrt_model_metadata(model, "no-such-key", buf, sizeof buf, &len), CNNRT_ERROR_NOT_FOUND);
    len = 0;
    expect("metadata(\"labels\", capacity 8)", cnnrt_model_metadata(model, "labels", buf, 8, &len), CNNRT_ERROR_BUFFER_TOO_SMALL);
    expect_true("  ... and *out_len is the length needed", len > 8 && len < sizeof buf);
    expect("metadata(NULL buf, capacity 0): size query", cnnrt_model_metadata(model, "labels", NULL, 0, &len), CNNRT_ERROR_BUFFER_TOO_SMALL);
    expect("metadata(NULL buf, capacity 16)", cnnrt_model_metadata(model, "labels", NULL, 16, &len), CNNRT_ERROR_NULL_ARGUMENT);
    expect("metadata(\"labels\", capacity len + 1)", cnnrt_model_metadata(model, "labels", buf, len + 1, &len), CNNRT_OK);
    expect_true("  ... and the value is the label list", !strncmp(buf, "T-shirt/top,Trouser", 19));
    expect("metadata(\"labels\", capacity len: no room for the NUL)", cnnrt_model_metadata(model, "labels", buf, len, NULL), CNNRT_ERROR_BUFFER_TOO_SMALL);
    expect("label(index 10 of 10)", cnnrt_model_label(model, 10, buf, sizeof buf, &len), CNNRT_ERROR_OUT_OF_RANGE);
    expect("label(index (size_t)-1)", cnnrt_model_label(model, (size_t)-1, buf, sizeof buf, &len), CNNRT_ERROR_OUT_OF_RANGE);
    expect("label(9)", cnnrt_model_label(model, 9, buf, sizeof buf, &len), CNNRT_OK);
    expect_true("  ... is \"Ankle boot\"", !strcmp(buf, "Ankle boot") && len == 10);
    expect("metadata_key(index metadata_count)", cnnrt_model_metadata_key(model, cnnrt_model_metadata_count(model), buf, sizeof buf, &len), CNNRT_ERROR_OUT_OF_RANGE);
    expect_zero_count("label_count(NULL)", cnnrt_model_label_count(NULL), "NULL");

    /* ---- sessions ---- */
    session = (cnnrt_session*)&seed;
    expect("session_create(NULL model)", cnnrt_session_create(NULL, NULL, &session), CNNRT_ERROR_NULL_ARGUMENT);
    expect_true("  ... and *out_session is set to NULL", session == NULL);
    expect("session_create(model, NULL, NULL out_session)", cnnrt_session_create(model, NULL, NULL), CNNRT_ERROR_NULL_ARGUMENT);
    expect("session_create(a pointer that is no handle)", cnnrt_session_create((const cnnrt_model*)&seed, NULL, &session), CNNRT_ERROR_INVALID_HANDLE);
    {
        cnnrt_session_options o = CNNRT_SESSION_OPTIONS_INIT;
        size_t r = 4, r2[2] = {4, 4};
        int64_t zero[4] = {1, 0, 28, 28}, huge[4] = {1000000000, 1, 28, 28};
        o.struct_size = 0;
        expect("session_create(options.struct_size 0)", cnnrt_session_create(model, &o, &session), CNNRT_ERROR_INVALID_ARGUMENT);
        cnnrt_session_options_init(&o);
        o.threads = -2;
        expect("session_create(options.threads -2)", cnnrt_session_create(model, &o, &session), CNNRT_ERROR_INVALID_ARGUMENT);
        cnnrt_session_options_init(&o);
        o.input_shape_count = 1;
        o.input_ranks = &r;
        o.input_dims = NULL;
        expect("session_create(shape with NULL input_dims)", cnnrt_session_create(model, &o, &session), CNNRT_ERROR_NULL_ARGUMENT);
        o.input_dims = zero;
        expect("session_create(shape 1x0x28x28)", cnnrt_session_create(model, &o, &session), CNNRT_ERROR_INVALID_ARGUMENT);
        o.input_shape_count = 2;
        o.input_ranks = r2;
        expect("session_create(2 shapes for 1 input)", cnnrt_session_create(model, &o, &session), CNNRT_ERROR_INVALID_ARGUMENT);
        o.input_shape_count = 1;
        o.input_dims = huge;
        expect("session_create(shape 1000000000x1x28x28)", cnnrt_session_create(model, &o, &session), CNNRT_ERROR_LIMIT_EXCEEDED);
    }
    expect("session_create(model)", cnnrt_session_create(model, NULL, &session), CNNRT_OK);
    expect("session_create(model from memory)", cnnrt_session_create(m2, NULL, &s2), CNNRT_OK);

    expect_zero_count("input_count(NULL)", cnnrt_session_input_count(NULL), "NULL");
    expect_zero_count("output_count(a model passed as a session)", cnnrt_session_output_count((const cnnrt_session*)model), "cnnrt_model handle");
    expect("input_shape(index 1 of 1)", cnnrt_session_input_shape(session, 1, dims, 4, &rank), CNNRT_ERROR_OUT_OF_RANGE);
    rank = 0;
    expect("input_shape(capacity 2 for rank 4)", cnnrt_session_input_shape(session, 0, dims, 2, &rank), CNNRT_ERROR_BUFFER_TOO_SMALL);
    expect_true("  ... and *out_rank is still 4", rank == 4);
    rank = 0;
    expect("input_shape(NULL dims, capacity 0): rank query", cnnrt_session_input_shape(session, 0, NULL, 0, &rank), CNNRT_ERROR_BUFFER_TOO_SMALL);
    expect_true("  ... and *out_rank is 4", rank == 4);
    expect("input_shape(NULL dims, capacity 4)", cnnrt_session_input_shape(session, 0, NULL, 4, &rank), CNNRT_ERROR_NULL_ARGUMENT);
    expect("input_shape(NULL session)", cnnrt_session_input_shape(NULL, 0, dims, 4, &rank), CNNRT_ERROR_NULL_ARGUMENT);
    expect("output_shape(index 5)", cnnrt_session_output_shape(session, 5, dims, 4, &rank), CNNRT_ERROR_OUT_OF_RANGE);
    expect("output_shape(capacity 1 for rank 2)", cnnrt_session_output_shape(session, 0, dims, 1, &rank), CNNRT_ERROR_BUFFER_TOO_SMALL);
    expect_true("  ... and *out_rank is 2", rank == 2);
    expect("output_shape(0)", cnnrt_session_output_shape(session, 0, dims, 4, &rank), CNNRT_OK);
    expect_true("  ... is [1, 10]", rank == 2 && dims[0] == 1 && dims[1] == 10);
    expect("input_name(capacity 2)", cnnrt_session_input_name(session, 0, buf, 2, &len), CNNRT_ERROR_BUFFER_TOO_SMALL);
    expect("output_name(index 1 of 1)", cnnrt_session_output_name(session, 1, buf, sizeof buf, &len), CNNRT_ERROR_OUT_OF_RANGE);

    /* ---- running ---- */
    expect("run_f32(NULL session)", cnnrt_session_run_f32(NULL, input, 784, output, 10), CNNRT_ERROR_NULL_ARGUMENT);
    expect("run_f32(NULL input)", cnnrt_session_run_f32(session, NULL, 784, output, 10), CNNRT_ERROR_NULL_ARGUMENT);
    expect("run_f32(NULL output)", cnnrt_session_run_f32(session, input, 784, NULL, 10), CNNRT_ERROR_NULL_ARGUMENT);
    expect("run_f32(input_count 783 for 784)", cnnrt_session_run_f32(session, input, 783, output, 10), CNNRT_ERROR_INVALID_ARGUMENT);
    expect("run_f32(input_count 785 for 784)", cnnrt_session_run_f32(session, input, 785, output, 10), CNNRT_ERROR_INVALID_ARGUMENT);
    expect("run_f32(output_count 9 for 10)", cnnrt_session_run_f32(session, input, 784, output, 9), CNNRT_ERROR_INVALID_ARGUMENT);
    expect("run_f32(input_count SIZE_MAX)", cnnrt_session_run_f32(session, input, (size_t)-1, output, 10), CNNRT_ERROR_INVALID_ARGUMENT);
    expect("run_f32(a model passed as a session)", cnnrt_session_run_f32((cnnrt_session*)model, input, 784, output, 10), CNNRT_ERROR_INVALID_HANDLE);
    expect("run_f32(a stray pointer 0x1)", cnnrt_session_run_f32((cnnrt_session*)(uintptr_t)1, input, 784, output, 10), CNNRT_ERROR_INVALID_HANDLE);
    expect("run_f32(session)", cnnrt_session_run_f32(session, input, 784, output, 10), CNNRT_OK);
    {
        float out2[10];
        const float* ins[1] = {input};
        float* outs[1] = {out2};
        size_t in_n[1] = {784}, out_n[1] = {10}, bad_n[1] = {100};
        const float* null_ins[1] = {NULL};
        expect("run(num_inputs 2 for 1)", cnnrt_session_run(session, ins, in_n, 2, outs, out_n, 1), CNNRT_ERROR_INVALID_ARGUMENT);
        expect("run(NULL inputs array)", cnnrt_session_run(session, NULL, in_n, 1, outs, out_n, 1), CNNRT_ERROR_NULL_ARGUMENT);
        expect("run(inputs[0] NULL)", cnnrt_session_run(session, null_ins, in_n, 1, outs, out_n, 1), CNNRT_ERROR_NULL_ARGUMENT);
        expect("run(output_counts[0] 100 for 10)", cnnrt_session_run(session, ins, in_n, 1, outs, bad_n, 1), CNNRT_ERROR_INVALID_ARGUMENT);
        expect("run(session from the in-memory model)", cnnrt_session_run(s2, ins, in_n, 1, outs, out_n, 1), CNNRT_OK);
        expect_true("  ... gives the same output as the file model", !memcmp(output, out2, sizeof out2));
    }
    {
        size_t r = 4, idx[3];
        int64_t batch2[4] = {2, 1, 28, 28};
        float probs[3];
        expect("set_input_shapes(count 0)", cnnrt_session_set_input_shapes(session, 0, &r, batch2), CNNRT_ERROR_INVALID_ARGUMENT);
        expect("set_input_shapes(NULL ranks)", cnnrt_session_set_input_shapes(session, 1, NULL, batch2), CNNRT_ERROR_NULL_ARGUMENT);
        expect("set_input_shapes(2x1x28x28)", cnnrt_session_set_input_shapes(session, 1, &r, batch2), CNNRT_OK);
        expect("run_f32(784 floats after re-planning for batch 2)", cnnrt_session_run_f32(session, input, 784, output, 10), CNNRT_ERROR_INVALID_ARGUMENT);
        expect("run_f32(2 x 784 floats)", cnnrt_session_run_f32(session, big_input, 2 * 784, big_output, 20), CNNRT_OK);
        expect("top_k(NULL scores)", cnnrt_top_k(NULL, 10, 3, idx, probs), CNNRT_ERROR_NULL_ARGUMENT);
        expect("top_k(count 0)", cnnrt_top_k(output, 0, 0, idx, probs), CNNRT_ERROR_INVALID_ARGUMENT);
        expect("top_k(k 11 of 10)", cnnrt_top_k(output, 10, 11, idx, probs), CNNRT_ERROR_OUT_OF_RANGE);
        expect("top_k(NULL out_indices)", cnnrt_top_k(output, 10, 3, NULL, probs), CNNRT_ERROR_NULL_ARGUMENT);
        expect("top_k(k 3, NULL out_probs)", cnnrt_top_k(output, 10, 3, idx, NULL), CNNRT_OK);
    }

    /* ---- freeing ---- */
    cnnrt_model_free(NULL);
    expect("model_free(NULL): a no-op", CNNRT_OK, CNNRT_OK);
    cnnrt_session_free(NULL);
    expect("session_free(NULL): a no-op", CNNRT_OK, CNNRT_OK);
    expect("model_free_checked(NULL)", cnnrt_model_free_checked(NULL), CNNRT_OK);
    expect("session_free_checked(NULL)", cnnrt_session_free_checked(NULL), CNNRT_OK);
    expect("model_free_checked(a session)", cnnrt_model_free_checked((cnnrt_model*)session), CNNRT_ERROR_INVALID_HANDLE);
    expect("session_free_checked(a model)", cnnrt_session_free_checked((cnnrt_session*)model), CNNRT_ERROR_INVALID_HANDLE);

    /* The model can go first: its sessions keep what they need. */
    expect("model_free_checked(model with a live session)", cnnrt_model_free_checked(model), CNNRT_OK);
    expect("run_f32(session of the freed model)", cnnrt_session_run_f32(session, big_input, 2 * 784, big_output, 20), CNNRT_OK);
    expect("session_create(freed model): use after free", cnnrt_session_create(model, NULL, &s3), CNNRT_ERROR_INVALID_HANDLE);
    expect("model_free_checked(model again): double free", cnnrt_model_free_checked(model), CNNRT_ERROR_INVALID_HANDLE);
    cnnrt_model_free(model);
    expect("model_free(model a third time): double free", CNNRT_ERROR_INVALID_HANDLE,
           cnnrt_last_error()[0] ? CNNRT_ERROR_INVALID_HANDLE : CNNRT_OK);
    expect_zero_count("label_count(freed model)", cnnrt_model_label_count(model), "not a live cnnrt_model");

    expect("session_free_checked(session)", cnnrt_session_free_checked(session), CNNRT_OK);
    expect("run_f32(freed session): use after free", cnnrt_session_run_f32(session, input, 784, output, 10), CNNRT_ERROR_INVALID_HANDLE);
    expect_zero_count("input_count(freed session)", cnnrt_session_input_count(session), "not a live cnnrt_session");
    expect("session_free_checked(session again): double free", cnnrt_session_free_checked(session), CNNRT_ERROR_INVALID_HANDLE);
    cnnrt_session_free(session);
    expect("session_free(session a third time): double free", CNNRT_ERROR_INVALID_HANDLE,
           cnnrt_last_error()[0] ? CNNRT_ERROR_INVALID_HANDLE : CNNRT_OK);

    cnnrt_session_free(s2);
    cnnrt_model_free(m2);
    expect("the last frees succeed", CNNRT_OK, cnnrt_last_error()[0] ? CNNRT_ERROR_INTERNAL : CNNRT_OK);

    free(bytes);
    free(noise);
    remove(truncated);
    remove(random_path);
    remove(empty);
    printf("%d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
