// Two threads of one process, each streaming over buffers of its own, against the same two loops in two processes,
// on 4 KB pages and on 2 MB pages. Written while looking for what slows each thread of a 2-thread cnnrt session on
// the 2-vCPU EPYC VM (ARCHITECTURE.md, "Fifth pass"): in the host's slow phases one of two threads of one process fell
// to a quarter of its speed when the buffers were 4 KB pages next to each other (14:09: 25.2 and 26.4 GB/s against
// 86–99), two processes never did, and on 2 MB pages (or with 2 MB between the maps) neither thread slowed.
//
//   cc -O2 -march=native -pthread -o /tmp/same_process_pages bench/probes/same_process_pages.c
//   /tmp/same_process_pages [MB per buffer, default 0.5]
//
// Each worker, pinned to CPU 0 or 1, maps two buffers of its own (anonymous: on 4 KB pages exactly their size, so
// they lie next to the other thread's, as consecutive allocations do; on 2 MB pages aligned and advised MADV_HUGEPAGE
// before the first touch), then for 2 s adds 1 to 36 interleaved streams of one into the other
// (the shape of a Winograd transform's point planes) and prints GB/s read + written.
#define _GNU_SOURCE
#include "probe.h"
#include <immintrin.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { Streams = 36, Huge = 2 << 20 };

static size_t floats;
static int hugePages;

static float *map(size_t bytes)
{
    // 4 KB pages: exactly the bytes, so consecutive maps lie next to each other, as a process's allocations do.
    size_t size = hugePages ? (bytes + Huge - 1) / Huge * Huge : bytes;
    char *raw = mmap(NULL, hugePages ? size + Huge : size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) { perror("mmap"); exit(1); }
    if (!hugePages) return (float *)raw;
    char *aligned = (char *)(((size_t)raw + Huge - 1) / Huge * Huge);
    if (madvise(aligned, size, MADV_HUGEPAGE) != 0) perror("madvise");
    return (float *)aligned;
}

static void *worker(void *arg)
{
    long cpu = (long)arg;
    pin(cpu);
    float *a = map(floats * sizeof(float)), *b = map(floats * sizeof(float));
    for (size_t i = 0; i < floats; i++) a[i] = (float)i * (cpu + 1), b[i] = 0;
    size_t stream = floats / Streams / 16 * 16;
    double start = now();
    long passes = 0;
    while (now() - start < 2)
    {
        for (size_t i = 0; i < stream; i += 16)
            for (int s = 0; s < Streams; s++)
                _mm512_store_ps(b + s * stream + i, _mm512_add_ps(_mm512_load_ps(a + s * stream + i), _mm512_set1_ps(1)));
        passes++;
    }
    double seconds = now() - start;
    printf("    cpu %ld: %6.1f GB/s\n", cpu, passes * (double)stream * Streams * 8 / seconds / 1e9);
    fflush(stdout);
    return NULL;
}

static void threads(void)
{
    pthread_t t[2];
    for (long i = 0; i < 2; i++) pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
}

static void processes(void)
{
    fflush(stdout);
    for (long i = 0; i < 2; i++)
        if (fork() == 0) { worker((void *)i); _exit(0); }
    while (wait(NULL) > 0) {}
}

int main(int argc, char **argv)
{
    floats = (size_t)((argc > 1 ? atof(argv[1]) : 0.5) * (1 << 20) / sizeof(float));
    for (hugePages = 0; hugePages < 2; hugePages++)
    {
        printf("%s pages, two threads of one process:\n", hugePages ? "2 MB" : "4 KB");
        threads();
        printf("%s pages, two processes:\n", hugePages ? "2 MB" : "4 KB");
        processes();
    }
    return 0;
}
