// What two cores pay to write memory near, or after, each other. Written while looking for what limits cnnrt's
// 2-thread speed-up on the 2-vCPU EPYC VM; a layout that spares ResNet-18's layer-1 convolutions these costs did not
// change the model's 2-thread time (bench/README.md, "Fourth session"), so it measures the machine, not that limit.
// Two threads, pinned to CPUs 0 and 1, each time its own loop; nothing is shared between them but the buffer.
//
//   cc -O3 -march=native -pthread -o /tmp/cross_core bench/probes/cross_core.c && /tmp/cross_core
//
// 1. "write own half": each thread rewrites its own contiguous half of a buffer, over and over.
// 2. "write interleaved chunks of N": the same bytes per thread, but thread t owns chunks t, t+2, t+4, ... of N bytes,
//    as two threads splitting every NCHW plane into a top and a bottom half do. No cache line is written by both.
// 3. "write after own read" / "after other's read": each thread writes its half, both read (their own half, or the
//    other's), then each writes its half again; the second write is timed. Reading a line the other core wrote makes
//    it shared, and writing it back then has to take it away from the other core.
#define _GNU_SOURCE
#include "probe.h"
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { Threads = 2 };

typedef struct
{
    float *buffer;
    size_t floats;   // the whole buffer
    size_t chunk;    // floats per chunk in mode 2; 0 = contiguous halves
    int crossRead;   // mode 3: -1 off, 0 read own half, 1 read the other's
    int iterations;
    pthread_barrier_t *barrier;
    double seconds[Threads];
    volatile float sink;
} Test;

typedef struct { Test *test; int id; } Arg;

static void fill(float *p, size_t n, float value)
{
    for (size_t i = 0; i < n; i++) p[i] = value + (float)i;
}

static float sum(const float *p, size_t n)
{
    float s = 0;
    for (size_t i = 0; i < n; i++) s += p[i];
    return s;
}

static void *run(void *p)
{
    Arg *arg = p;
    Test *t = arg->test;
    int id = arg->id;
    pin(id);
    size_t half = t->floats / 2;
    float *own = t->buffer + id * half, *other = t->buffer + (1 - id) * half;
    double seconds = 0;
    for (int it = 0; it < t->iterations; it++)
    {
        pthread_barrier_wait(t->barrier);
        if (t->crossRead >= 0)
        {
            fill(own, half, id);
            pthread_barrier_wait(t->barrier);
            t->sink = sum(t->crossRead ? other : own, half);
            pthread_barrier_wait(t->barrier);
        }
        double start = now();
        if (t->chunk == 0) fill(own, half, id);
        else
            for (size_t c = id * t->chunk; c < t->floats; c += 2 * t->chunk)
                fill(t->buffer + c, c + t->chunk <= t->floats ? t->chunk : t->floats - c, id);
        seconds += now() - start;
    }
    t->seconds[id] = seconds / t->iterations;
    return NULL;
}

static void measure(const char *name, size_t floats, size_t chunk, int crossRead, int iterations)
{
    Test t = { .floats = floats, .chunk = chunk, .crossRead = crossRead, .iterations = iterations };
    if (posix_memalign((void **)&t.buffer, 4096, floats * sizeof(float)) != 0) { perror("posix_memalign"); exit(1); }
    memset(t.buffer, 0, floats * sizeof(float));
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, Threads);
    t.barrier = &barrier;
    pthread_t threads[Threads];
    Arg args[Threads];
    for (int i = 0; i < Threads; i++)
    {
        args[i] = (Arg){ &t, i };
        pthread_create(&threads[i], NULL, run, &args[i]);
    }
    for (int i = 0; i < Threads; i++) pthread_join(threads[i], NULL);
    double bytes = floats * sizeof(float) / 2.0;
    printf("%-40s %8.1f %8.1f us   (%.1f ns per 64-byte line)\n", name, t.seconds[0] * 1e6, t.seconds[1] * 1e6,
        (t.seconds[0] + t.seconds[1]) / 2 / (bytes / 64) * 1e9);
    pthread_barrier_destroy(&barrier);
    free(t.buffer);
}

int main(void)
{
    const size_t floats = 800 * 1024 / sizeof(float); // one 64×56×56 ResNet-18 activation: 400 KB a thread
    printf("800 KB buffer, 400 KB a thread; per-thread time of one pass      thread 0 thread 1\n");
    measure("write own half", floats, 0, -1, 2000);
    size_t chunks[] = { 1024, 4096, 16384, 65536, 204800 };
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++)
    {
        char name[64];
        snprintf(name, sizeof name, "write interleaved chunks of %zu B", chunks[i]);
        measure(name, floats, chunks[i] / sizeof(float), -1, 2000);
    }
    measure("write own half after own read", floats, 0, 0, 2000);
    measure("write own half after other's read", floats, 0, 1, 2000);
    return 0;
}
