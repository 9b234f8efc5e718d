// Each CPU's read bandwidth alone and with the other CPU reading at the same time. Written while looking for what
// limits cnnrt's 2-thread speed-up on the 2-vCPU EPYC VM (bench/README.md, "Sixth session"): whether the two vCPUs
// read memory equally fast, and whether one slows when both read.
//
//   cc -O2 -march=native -pthread -o /tmp/read_bandwidth bench/probes/read_bandwidth.c
//   /tmp/read_bandwidth [MB per thread, default 64]
//
// Each thread, pinned to its CPU, allocates and touches a buffer of its own, then for 1.5 s sums it with vector loads
// (two accumulators, so the adds do not bound the loop) and prints GB/s read. First CPU 0 alone, then CPU 1 alone,
// then both at once. A 64 MB buffer reads from DRAM; one of a few MB from L3.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef float v8 __attribute__((vector_size(32)));

static size_t bytes_per_thread;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *reader(void *arg)
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
    for (size_t i = 0; i < n; i++) buffer[i] = (v8){1, 1, 1, 1, 1, 1, 1, 1};
    v8 a = {0}, b = {0};
    double start = now(), elapsed;
    size_t read = 0;
    do {
        for (size_t i = 0; i + 1 < n; i += 2) {
            a += buffer[i];
            b += buffer[i + 1];
        }
        read += n * sizeof(v8);
    } while ((elapsed = now() - start) < 1.5);
    v8 sum = a + b;
    // The sum is printed so that the loop is not optimized away.
    printf("    cpu %ld: %6.1f GB/s (checksum %g)\n", cpu, read / elapsed / 1e9, (double)sum[0]);
    free(buffer);
    return NULL;
}

static void run(int first, int count)
{
    pthread_t threads[2];
    for (int t = 0; t < count; t++) pthread_create(&threads[t], NULL, reader, (void *)(long)(first + t));
    for (int t = 0; t < count; t++) pthread_join(threads[t], NULL);
}

int main(int argc, char **argv)
{
    double mb = argc > 1 ? atof(argv[1]) : 64;
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
