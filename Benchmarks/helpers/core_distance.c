/* How far apart the first two CPUs this process may run on are: the median time, in nanoseconds, for a cache
 * line to go from one to the other and back (two threads pinned to the two CPUs take turns writing one shared
 * line). On one die it is tens of nanoseconds; on virtual machines whose host places the two virtual CPUs on
 * different dies, several times that. The harness runs it around each measured round (`run_benchmarks.py`),
 * because the host moves the CPUs every few seconds to minutes and memory-bound work slows when they are apart.
 *
 * Prints one number; exits 2 when fewer than two CPUs are available or the threads cannot be pinned. Build: cc -O2 -pthread core_distance.c
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { readings = 21, trips = 1000 };

static _Alignas(64) atomic_long line;
static int cpus[2];

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* Pins the calling thread to `cpu`; exits 2 when it cannot (two threads spinning on one CPU would measure the
 * scheduler, not the cache). */
static void pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) != 0) exit(2);
}

/* Answers each odd value with the next even one, until it reads -1. */
static void *answer(void *unused) {
    (void)unused;
    pin(cpus[1]);
    for (;;) {
        long v = atomic_load_explicit(&line, memory_order_acquire);
        if (v < 0) return NULL;
        if (v & 1) atomic_store_explicit(&line, v + 1, memory_order_release);
    }
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void) {
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return 2;
    int found = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE && found < 2; cpu++)
        if (CPU_ISSET(cpu, &allowed)) cpus[found++] = cpu;
    if (found < 2) return 2;
    pin(cpus[0]);
    pthread_t thread;
    if (pthread_create(&thread, NULL, answer, NULL) != 0) return 2;
    double times[readings];
    long v = 0;
    for (int r = 0; r < readings; r++) {
        double start = now();
        for (int t = 0; t < trips; t++) {
            v += 1; /* odd: the other CPU's turn */
            atomic_store_explicit(&line, v, memory_order_release);
            while (atomic_load_explicit(&line, memory_order_acquire) == v) {}
            v += 1;
        }
        times[r] = (now() - start) / trips * 1e9;
    }
    atomic_store(&line, -1);
    pthread_join(thread, NULL);
    qsort(times, readings, sizeof times[0], compare);
    printf("%.1f\n", times[readings / 2]);
    return 0;
}
