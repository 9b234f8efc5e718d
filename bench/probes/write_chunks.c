// Two threads each rewriting every other chunk of one buffer (thread 0 chunks 0, 2, 4, ..., thread 1 chunks 1, 3,
// ...), against one thread rewriting all of it: what splitting a tensor between threads in interleaved pieces costs,
// as a function of the piece size. Written while looking for what slows a 2-thread cnnrt session on the 2-vCPU EPYC
// VM (bench/README.md, "Tenth session"): a layer split by rows of an NCHW tensor gives each thread one piece of every
// channel plane (6 KB at 56×56 with two threads, 1.5 KB at 28×28), a layer split by channels one piece of the whole
// tensor.
//
//   cc -O2 -march=native -pthread -o /tmp/write_chunks bench/probes/write_chunks.c
//   /tmp/write_chunks [floats, default 131072] [chunk sizes in floats ...]
//
// Each pass reads a source buffer and writes buffer = source + 1 with 256-bit vectors; the two threads, pinned to
// CPUs 0 and 1, start and end each pass together (a spinning barrier, not timed), as the steps of a plan do. Prints
// the microseconds per pass of one thread doing everything, then of each of the two threads per chunk size.
#define _GNU_SOURCE
#include "probe.h"
#include <immintrin.h>
#include <stdatomic.h>
#include <string.h>

enum { Passes = 1000 };

static size_t floats = 131072, chunk;
static float *buffer, *source;
static atomic_int arrived, generation;
static double busy[2];

static void barrier(void)
{
    int seen = atomic_load(&generation);
    if (atomic_fetch_add(&arrived, 1) == 1) {
        atomic_store(&arrived, 0);
        atomic_fetch_add(&generation, 1);
    } else {
        while (atomic_load(&generation) == seen) _mm_pause();
    }
}

/// Thread `first`'s chunks when `step` threads share the buffer (step 1: all of it).
static void pass(size_t first, size_t step)
{
    __m256 one = _mm256_set1_ps(1.f);
    for (size_t c = first * chunk; c < floats; c += step * chunk) {
        size_t end = c + chunk < floats ? c + chunk : floats;
        for (size_t i = c; i < end; i += 8) _mm256_store_ps(buffer + i, _mm256_add_ps(_mm256_load_ps(source + i), one));
    }
}

static void *worker(void *arg)
{
    long t = (long)arg;
    pin(t);
    double total = 0;
    for (int k = 0; k < Passes; k++) {
        barrier();
        double start = now();
        pass(t, 2);
        total += now() - start;
        barrier();
    }
    busy[t] = total;
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc > 1) floats = (size_t)atol(argv[1]) / 8 * 8;
    buffer = aligned_alloc(4096, floats * 4);
    source = aligned_alloc(4096, floats * 4);
    if (!buffer || !source || floats == 0) { fprintf(stderr, "cannot allocate %zu floats\n", floats); return 1; }
    memset(buffer, 0, floats * 4);
    for (size_t i = 0; i < floats; i++) source[i] = (float)i;

    pin(0);
    chunk = floats;
    double total = 0;
    for (int k = 0; k < Passes; k++) {
        double start = now();
        pass(0, 1);
        total += now() - start;
    }
    printf("%zu KB, one thread: %.2f us a pass\n", floats * 4 / 1024, total / Passes * 1e6);

    size_t defaults[] = {256, 1024, 4096, 16384, 65536};
    int count = argc > 2 ? argc - 2 : 5;
    for (int i = 0; i < count; i++) {
        chunk = argc > 2 ? (size_t)atol(argv[i + 2]) / 8 * 8 : defaults[i];
        if (chunk == 0) continue;
        pthread_t threads[2];
        for (long t = 0; t < 2; t++) pthread_create(&threads[t], NULL, worker, (void *)t);
        for (int t = 0; t < 2; t++) pthread_join(threads[t], NULL);
        printf("  two threads, chunks of %7.1f KB: %.2f and %.2f us a pass\n", chunk * 4 / 1024.0, busy[0] / Passes * 1e6,
               busy[1] / Passes * 1e6);
    }
    return 0;
}
