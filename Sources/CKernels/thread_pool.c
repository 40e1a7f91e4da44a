// A small pool of worker threads for the matrix products. A forward pass issues dozens of
// products 50-500 µs apart; waking a thread through the OS for each costs as much as the work,
// so workers spin briefly on a generation counter after each job and only then sleep.
//
// The caller takes tasks too and waits only for tasks that were claimed, never for a worker to
// turn up: on a busy machine a worker may not get a core for milliseconds, and the caller then
// simply does the job alone. A task is claimed by a compare-and-swap on one word that holds the
// job's generation, its task count and the next task index, so a worker still leaving an
// earlier job can never claim a task of a later one.
#include "CKernels.h"
#include "thread_pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

#define MAX_WORKERS 63
#define SPIN_ITERATIONS 40000  // ~0.5 ms of pause instructions before sleeping
#define WAIT_SPINS 80000       // ~1 ms; then yield, in case the worker has lost its core
#define MAX_TASKS 0xFFFF

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_wake = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;  // one job at a time
static int worker_count = 0;
static int wanted_threads = 1;
static atomic_uint generation = 0;
static atomic_int sleeping = 0;
// The job being handed out: generation (bits 32-63), task count (16-31), next task (0-15).
static _Atomic uint64_t claim = 0;
static atomic_int finished_tasks = 0;
// Written before the job's claim word is published and not again until every task has
// finished, so whoever claimed a task reads them unchanged.
static mf_task_fn job_fn;
static void *job_context;

// Runs tasks of job `job` until none is left to claim (or another job has begun).
static void run_tasks(unsigned job) {
    uint64_t word = atomic_load_explicit(&claim, memory_order_acquire);
    for (;;) {
        int tasks = (int)((word >> 16) & MAX_TASKS), task = (int)(word & MAX_TASKS);
        if ((unsigned)(word >> 32) != job || task >= tasks) return;
        if (!atomic_compare_exchange_weak_explicit(&claim, &word, word + 1, memory_order_acq_rel,
                                                   memory_order_acquire))
            continue;  // `word` now holds the current value
        job_fn(job_context, task, tasks);
        atomic_fetch_add_explicit(&finished_tasks, 1, memory_order_release);
        word = atomic_load_explicit(&claim, memory_order_acquire);
    }
}

static void *worker_main(void *start_generation) {
    // The generation when the worker was made (under run_lock, so no job was running): a job
    // started before this thread first runs is still seen as new.
    unsigned seen = (unsigned)(uintptr_t)start_generation;
    for (;;) {
        unsigned current = seen;
        for (int spin = 0; spin < SPIN_ITERATIONS; spin++) {
            current = atomic_load_explicit(&generation, memory_order_acquire);
            if (current != seen) break;
            CPU_RELAX();
        }
        if (current == seen) {
            pthread_mutex_lock(&pool_lock);
            atomic_fetch_add(&sleeping, 1);
            while ((current = atomic_load_explicit(&generation, memory_order_acquire)) == seen)
                pthread_cond_wait(&pool_wake, &pool_lock);
            atomic_fetch_sub(&sleeping, 1);
            pthread_mutex_unlock(&pool_lock);
        }
        seen = current;
        run_tasks(current);
    }
    return NULL;
}

void mf_set_threads(int threads) {
    pthread_mutex_lock(&run_lock);
    if (threads < 1) threads = 1;
    if (threads > MAX_WORKERS + 1) threads = MAX_WORKERS + 1;
    wanted_threads = threads;
    // Workers are started once and never stopped; fewer wanted threads means fewer tasks.
    while (worker_count < wanted_threads - 1) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&thread, &attributes, worker_main,
                           (void *)(uintptr_t)atomic_load_explicit(&generation, memory_order_acquire)) != 0) {
            pthread_attr_destroy(&attributes);
            break;
        }
        pthread_attr_destroy(&attributes);
        worker_count++;
    }
    pthread_mutex_unlock(&run_lock);
}

int mf_thread_count(void) { return wanted_threads; }

void mf_parallel_run(mf_task_fn fn, void *context, int tasks) {
    if (tasks <= 1 || worker_count == 0 || tasks > MAX_TASKS) {
        for (int i = 0; i < tasks; i++) fn(context, i, tasks);
        return;
    }
    pthread_mutex_lock(&run_lock);
    job_fn = fn;
    job_context = context;
    atomic_store_explicit(&finished_tasks, 0, memory_order_relaxed);
    unsigned job = atomic_load_explicit(&generation, memory_order_relaxed) + 1;
    atomic_store_explicit(&claim, ((uint64_t)job << 32) | ((uint64_t)tasks << 16), memory_order_release);
    // Under the lock, so a worker between its last spin and its wait cannot miss the change.
    pthread_mutex_lock(&pool_lock);
    atomic_store_explicit(&generation, job, memory_order_release);
    if (atomic_load(&sleeping) > 0) pthread_cond_broadcast(&pool_wake);
    pthread_mutex_unlock(&pool_lock);
    run_tasks(job);
    // Only tasks a worker claimed can be outstanding. After ~1 ms, yield: a worker that lost
    // its core gets it back sooner (on an idle machine sched_yield returns at once).
    for (int spin = 0; atomic_load_explicit(&finished_tasks, memory_order_acquire) < tasks; spin++) {
        if (spin < WAIT_SPINS) {
            CPU_RELAX();
        } else {
            sched_yield();
        }
    }
    pthread_mutex_unlock(&run_lock);
}

typedef struct {
    const int8_t *x;
    int ldx, rows;
    const int8_t *w;
    int ldw;
    const int32_t *w_sums;
    int depth, outputs;
    int32_t *y;
    int ldy;
} gemm_s8_job;

static int slice_bounds(int count, int task, int tasks, int *begin, int *end) {
    int per = ((count + tasks - 1) / tasks + 15) & ~15;  // multiples of 16 keep tiles whole
    *begin = task * per;
    *end = *begin + per < count ? *begin + per : count;
    return *begin < *end;
}

static void gemm_s8_task(void *context, int task, int tasks) {
    gemm_s8_job *job = context;
    int begin, end;
    if (slice_bounds(job->outputs, task, tasks, &begin, &end))
        mf_gemm_s8(job->x, job->ldx, job->rows, job->w, job->ldw, job->w_sums, job->depth, begin, end, job->y, job->ldy);
}

void mf_gemm_s8_parallel(const int8_t *x, int ldx, int rows, const int8_t *w, int ldw, const int32_t *w_sums,
                         int depth, int outputs, int32_t *y, int ldy) {
    gemm_s8_job job = {x, ldx, rows, w, ldw, w_sums, depth, outputs, y, ldy};
    long work = (long)rows * outputs * depth;
    int tasks = work < 150000 ? 1 : wanted_threads;
    mf_parallel_run(gemm_s8_task, &job, tasks);
}

typedef struct {
    const float *x;
    int ldx, rows;
    const float *w;
    int ldw, depth, outputs;
    float *y;
    int ldy;
} gemm_f32_job;

static void gemm_f32_task(void *context, int task, int tasks) {
    gemm_f32_job *job = context;
    int begin, end;
    if (slice_bounds(job->outputs, task, tasks, &begin, &end))
        mf_gemm_f32(job->x, job->ldx, job->rows, job->w, job->ldw, job->depth, begin, end, job->y, job->ldy);
}

void mf_gemm_f32_parallel(const float *x, int ldx, int rows, const float *w, int ldw, int depth, int outputs, float *y,
                          int ldy) {
    gemm_f32_job job = {x, ldx, rows, w, ldw, depth, outputs, y, ldy};
    long work = (long)rows * outputs * depth;
    int tasks = work < 100000 ? 1 : wanted_threads;
    mf_parallel_run(gemm_f32_task, &job, tasks);
}
