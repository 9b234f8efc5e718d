// What the probes here share: a monotonic clock in seconds and pinning the calling thread to one CPU (a probe that
// could not pin would measure the scheduler's placement, not the CPU it names, so it stops instead).
#ifndef CNNRT_PROBE_H
#define CNNRT_PROBE_H
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void pin(long cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) != 0) {
        fprintf(stderr, "cannot pin to CPU %ld\n", cpu);
        exit(1);
    }
}
#endif
