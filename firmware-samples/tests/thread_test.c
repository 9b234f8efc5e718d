/*
 * thread_test - one model shared by 4 threads, each with its own session, each running 1,000 inferences: every
 * output must be bit-identical to the single-threaded result for the same input.
 *     thread_test MODEL [ITERATIONS]
 * The threads create their sessions at the same moment (a barrier) and read the model's labels while others run, and
 * one thread's error message must not leak into another's (cnnrt_last_error is thread-local).
 */
#include "cnnrt.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 4
#define INPUTS 16
#define IN_N 784
#define OUT_N 10

static cnnrt_model* g_model;
static float g_inputs[INPUTS][IN_N];
static float g_expected[INPUTS][OUT_N];
static int g_iterations = 1000;
static pthread_barrier_t g_barrier;

typedef struct {
    int id;
    int mismatches;
    int errors;
    char message[256];
} worker;

static void* run_worker(void* arg)
{
    worker* w = (worker*)arg;
    cnnrt_session* s = NULL;
    float out[OUT_N];
    char label[64];
    size_t len;
    int i;

    pthread_barrier_wait(&g_barrier);
    if (cnnrt_session_create(g_model, NULL, &s) != CNNRT_OK) {
        snprintf(w->message, sizeof w->message, "session_create: %s", cnnrt_last_error());
        w->errors++;
        return NULL;
    }
    /* A failure on this thread, whose message only this thread sees. */
    if (w->id == 0 && cnnrt_session_run_f32(s, g_inputs[0], IN_N - 1, out, OUT_N) != CNNRT_ERROR_INVALID_ARGUMENT) w->errors++;
    pthread_barrier_wait(&g_barrier);
    if (w->id != 0 && cnnrt_last_error()[0] != '\0') {
        snprintf(w->message, sizeof w->message, "thread %d sees another thread's error: %s", w->id, cnnrt_last_error());
        w->errors++;
    }
    for (i = 0; i < g_iterations; i++) {
        int k = (i * 7 + w->id * 3) % INPUTS; /* each thread walks the inputs in its own order */
        if (cnnrt_session_run_f32(s, g_inputs[k], IN_N, out, OUT_N) != CNNRT_OK) {
            snprintf(w->message, sizeof w->message, "run %d: %s", i, cnnrt_last_error());
            w->errors++;
            break;
        }
        if (memcmp(out, g_expected[k], sizeof out) != 0) w->mismatches++;
        if (i % 100 == 0 && cnnrt_model_label(g_model, (size_t)(i / 100 % 10), label, sizeof label, &len) != CNNRT_OK) w->errors++;
    }
    cnnrt_session_free(s);
    return NULL;
}

int main(int argc, char** argv)
{
    pthread_t threads[THREADS];
    worker workers[THREADS];
    cnnrt_session* s = NULL;
    unsigned seed = 2024;
    int i, j, failed = 0;

    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: thread_test MODEL [ITERATIONS]\n");
        return 2;
    }
    if (argc == 3) g_iterations = atoi(argv[2]);
    if (cnnrt_model_load_file(argv[1], &g_model) != CNNRT_OK) {
        fprintf(stderr, "thread_test: %s\n", cnnrt_last_error());
        return 1;
    }
    for (i = 0; i < INPUTS; i++)
        for (j = 0; j < IN_N; j++) {
            seed = seed * 1664525u + 1013904223u;
            g_inputs[i][j] = (float)((seed >> 8) / 16777216.0 * 4.0 - 1.0);
        }

    /* The single-threaded reference, on this thread. */
    if (cnnrt_session_create(g_model, NULL, &s) != CNNRT_OK) {
        fprintf(stderr, "thread_test: %s\n", cnnrt_last_error());
        return 1;
    }
    for (i = 0; i < INPUTS; i++)
        if (cnnrt_session_run_f32(s, g_inputs[i], IN_N, g_expected[i], OUT_N) != CNNRT_OK) {
            fprintf(stderr, "thread_test: %s\n", cnnrt_last_error());
            return 1;
        }
    cnnrt_session_free(s);

    pthread_barrier_init(&g_barrier, NULL, THREADS);
    for (i = 0; i < THREADS; i++) {
        memset(&workers[i], 0, sizeof workers[i]);
        workers[i].id = i;
        if (pthread_create(&threads[i], NULL, run_worker, &workers[i]) != 0) {
            fprintf(stderr, "thread_test: pthread_create failed\n");
            return 1;
        }
    }
    for (i = 0; i < THREADS; i++) pthread_join(threads[i], NULL);
    pthread_barrier_destroy(&g_barrier);

    for (i = 0; i < THREADS; i++) {
        int ok = workers[i].mismatches == 0 && workers[i].errors == 0;
        printf("%s thread %d: %d runs, %d outputs differ from the single-threaded run, %d errors%s%s\n", ok ? "ok  " : "FAIL",
               i, g_iterations, workers[i].mismatches, workers[i].errors, workers[i].message[0] ? ": " : "", workers[i].message);
        failed |= !ok;
    }
    cnnrt_model_free(g_model);
    return failed;
}
