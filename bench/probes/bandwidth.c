// Each CPU's memory bandwidth alone and with the other CPU doing the same at the same time, reading or writing.
// Written while looking for what limits cnnrt's 2-thread speed-up on the 2-vCPU EPYC VM (bench/README.md, "Sixth
// session" for reads, "Seventh session" for writes): whether the two vCPUs read memory equally fast, and whether one
// slows when both read or both write.
//
//   cc -O2 -march=native -pthread -o /tmp/bandwidth bench/probes/bandwidth.c
//   /tmp/bandwidth read|write [MB per thread, default 64]
//
// Each thread, pinned to its CPU, allocates and fills a buffer of its own, then for 1.5 s sums it with vector loads
// (two accumulators, so the adds do not bound the loop) or overwrites it with vector stores, and prints GB/s. First
// CPU 0 alone, then CPU 1 alone, then both at once. A buffer of a few MB stays in cache; one of 16 MB or more goes to
// DRAM (written back, when writing).
#define _GNU_SOURCE
#include "probe.h"
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef float v8 __attribute__((vector_size(32)));

static size_t bytes_per_thread;
static int writing;

/// One pass over the buffer: its sum (reading) or the value stored everywhere (writing); either way printed, so
/// that the loop is not optimized away.
static v8 pass(v8 *buffer, size_t n, v8 value)
{
    if (writing) {
        for (size_t i = 0; i < n; i++) buffer[i] = value;
        return value + 1; // a new value each pass, so that no pass can be skipped
    }
    v8 a = {0}, b = {0};
    for (size_t i = 0; i + 1 < n; i += 2) {
        a += buffer[i];
        b += buffer[i + 1];
    }
    return value + a + b;
}

static void *worker(void *arg)
{
    long cpu = (long)arg;
    pin(cpu);
    size_t n = bytes_per_thread / sizeof(v8);
    v8 *buffer = aligned_alloc(64, n * sizeof(v8));
    if (!buffer) {
        fprintf(stderr, "cannot allocate %zu bytes\n", bytes_per_thread);
        exit(1);
    }
    for (size_t i = 0; i < n; i++) buffer[i] = (v8){1, 1, 1, 1, 1, 1, 1, 1};
    v8 value = {0};
    double start = now(), elapsed;
    size_t moved = 0;
    do {
        value = pass(buffer, n, value);
        moved += n * sizeof(v8);
    } while ((elapsed = now() - start) < 1.5);
    printf("    cpu %ld: %6.1f GB/s %s (check %g)\n", cpu, moved / elapsed / 1e9, writing ? "written" : "read",
           (double)value[0]);
    free(buffer);
    return NULL;
}

static void run(int first, int count)
{
    pthread_t threads[2];
    for (int t = 0; t < count; t++) pthread_create(&threads[t], NULL, worker, (void *)(long)(first + t));
    for (int t = 0; t < count; t++) pthread_join(threads[t], NULL);
}

int main(int argc, char **argv)
{
    double mb = argc > 2 ? atof(argv[2]) : 64;
    if (argc < 2 || (strcmp(argv[1], "read") != 0 && strcmp(argv[1], "write") != 0) || mb <= 0) {
        fprintf(stderr, "usage: %s read|write [MB per thread > 0]\n", argv[0]);
        return 2;
    }
    writing = strcmp(argv[1], "write") == 0;
    bytes_per_thread = (size_t)(mb * 1024 * 1024) / 64 * 64;
    printf("%g MB per thread, %s, CPU 0 alone:\n", mb, argv[1]);
    run(0, 1);
    printf("CPU 1 alone:\n");
    run(1, 1);
    printf("both at once:\n");
    run(0, 2);
    return 0;
}
