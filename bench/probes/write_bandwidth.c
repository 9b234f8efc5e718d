// Each CPU's write bandwidth alone and with the other CPU writing at the same time: the companion of read_bandwidth.c.
// Written while looking for why the Winograd layers' output transform, which stores the activations, took twice as
// long on two threads as on one in some phases of the 2-vCPU EPYC VM (bench/README.md, "Seventh session").
//
//   cc -O2 -march=native -pthread -o /tmp/write_bandwidth bench/probes/write_bandwidth.c
//   /tmp/write_bandwidth [MB per thread, default 16]
//
// Each thread, pinned to its CPU, allocates and touches a buffer of its own, then for 1 s overwrites it with vector
// stores and prints GB/s written. First CPU 0 alone, then CPU 1 alone, then both at once. A buffer of a few MB stays
// in cache; one of 16 MB or more is written back to DRAM.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef float v8 __attribute__((vector_size(32)));

static size_t bytes_per_thread;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *writer(void *arg)
{
    long cpu = (long)arg;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) != 0) {
        fprintf(stderr, "cannot pin to CPU %ld\n", cpu);
        exit(1);
    }
    size_t n = bytes_per_thread / sizeof(v8);
    v8 *buffer = aligned_alloc(64, n * sizeof(v8));
    if (!buffer) {
        fprintf(stderr, "cannot allocate %zu bytes\n", bytes_per_thread);
        exit(1);
    }
    memset(buffer, 0, n * sizeof(v8));
    v8 value = {1, 2, 3, 4, 5, 6, 7, 8};
    double start = now(), elapsed;
    size_t written = 0;
    do {
        for (size_t i = 0; i < n; i++) buffer[i] = value;
        value += 1; // a new value each pass, so that no pass can be skipped
        written += n * sizeof(v8);
    } while ((elapsed = now() - start) < 1.0);
    printf("    cpu %ld: %6.1f GB/s (last %g)\n", cpu, written / elapsed / 1e9, (double)buffer[n - 1][0]);
    free(buffer);
    return NULL;
}

static void run(int first, int count)
{
    pthread_t threads[2];
    for (int t = 0; t < count; t++) pthread_create(&threads[t], NULL, writer, (void *)(long)(first + t));
    for (int t = 0; t < count; t++) pthread_join(threads[t], NULL);
}

int main(int argc, char **argv)
{
    double mb = argc > 1 ? atof(argv[1]) : 16;
    if (mb <= 0) {
        fprintf(stderr, "usage: %s [MB per thread > 0]\n", argv[0]);
        return 2;
    }
    bytes_per_thread = (size_t)(mb * 1024 * 1024) / 64 * 64;
    printf("%g MB per thread, CPU 0 alone:\n", mb);
    run(0, 1);
    printf("CPU 1 alone:\n");
    run(1, 1);
    printf("both at once:\n");
    run(0, 2);
    return 0;
}
