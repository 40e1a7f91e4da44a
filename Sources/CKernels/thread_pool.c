// A small pool of worker threads for the matrix products. A forward pass issues dozens of
// products 50-500 µs apart; waking a thread through the OS for each costs as much as the work,
// so workers spin briefly on a generation counter after each job and only then sleep.
#include "CKernels.h"
#include "thread_pool.h"

#include <pthread.h>
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

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_wake = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;  // one job at a time
static int worker_count = 0;
static int wanted_threads = 1;
static atomic_uint generation = 0;
static atomic_int sleeping = 0;
static atomic_int next_task = 0;
static atomic_int finished_tasks = 0;
static atomic_int checked_in = 0;  // workers done with the current job (none may linger into the next)
static mf_task_fn job_fn;
static void *job_context;
static int job_tasks;

static void run_tasks(void) {
    for (;;) {
        int task = atomic_fetch_add_explicit(&next_task, 1, memory_order_acq_rel);
        int tasks = job_tasks;
        if (task >= tasks) return;
        job_fn(job_context, task, tasks);
        atomic_fetch_add_explicit(&finished_tasks, 1, memory_order_release);
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
        run_tasks();
        atomic_fetch_add_explicit(&checked_in, 1, memory_order_acq_rel);
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
    if (tasks <= 1 || worker_count == 0) {
        for (int i = 0; i < tasks; i++) fn(context, i, tasks);
        return;
    }
    pthread_mutex_lock(&run_lock);
    job_fn = fn;
    job_context = context;
    job_tasks = tasks;
    atomic_store_explicit(&finished_tasks, 0, memory_order_relaxed);
    atomic_store_explicit(&checked_in, 0, memory_order_relaxed);
    atomic_store_explicit(&next_task, 0, memory_order_release);
    // Under the lock, so a worker between its last spin and its wait cannot miss the change.
    pthread_mutex_lock(&pool_lock);
    atomic_fetch_add_explicit(&generation, 1, memory_order_acq_rel);
    if (atomic_load(&sleeping) > 0) pthread_cond_broadcast(&pool_wake);
    pthread_mutex_unlock(&pool_lock);
    run_tasks();
    // Every worker checks in before the next job is set up: one still leaving run_tasks could
    // otherwise claim a task of the next job with a mix of old and new job fields.
    while (atomic_load_explicit(&finished_tasks, memory_order_acquire) < tasks ||
           atomic_load_explicit(&checked_in, memory_order_acquire) < worker_count)
        CPU_RELAX();
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
