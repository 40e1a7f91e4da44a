// The kernels' thread pool, for the *_parallel entry points in this target (not exported).
#ifndef MASKFILL_THREAD_POOL_H
#define MASKFILL_THREAD_POOL_H

typedef void (*mf_task_fn)(void *context, int task, int tasks);

/// Runs fn(context, i, tasks) for every i in [0, tasks) on the pool and the calling thread;
/// returns when all are done. Tasks are handed out one at a time, so uneven tasks even out.
void mf_parallel_run(mf_task_fn fn, void *context, int tasks);

#endif
