// The launcher of the CUDA emulation (see cuda_emulation.h). Built together with the kernels and a generated
// table of their names (kernel_table.inc) into a shared library that the tests load:
//   int gx_launch(const char* name, unsigned gx, gy, gz, bx, by, bz, unsigned sharedBytes, void** args)
// returns 0, or −1 for an unknown kernel, −2 for a barrier reached by only some threads of a block (undefined
// behaviour in CUDA); gx_last_error() describes the failure.
//
// Blocks run one after the other. In each block, thread 0 runs first on its own stack; if it finishes without
// reaching a barrier, the block uses none and the other threads run as plain calls. Otherwise every thread
// gets a stack and they run round-robin from barrier to barrier: a warp barrier (gx_group_sum's, gx_warp_ballot's) releases the
// 32 threads of its warp once all of them wait there, __syncthreads the block once every thread waits there. Switching stacks uses a few lines of
// assembly on x86-64 (no system call, unlike swapcontext), ucontext elsewhere.
#include "cuda_emulation.h"
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

gx_dim3 threadIdx, blockIdx, blockDim, gridDim;
unsigned char* gx_dynamic_shared = nullptr;

#include "kernels_all.inc"

#if defined(__x86_64__)
// gx_switch(from, to): saves the callee-saved registers on the current stack, stores the stack pointer in
// *from, and resumes the context whose stack pointer is `to` (System V AMD64 ABI).
extern "C" void gx_switch(void** from, void* to);
asm(R"(
    .text
    .globl gx_switch
    .type gx_switch, @function
gx_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size gx_switch, .-gx_switch
)");
struct Context { void* sp = nullptr; };
#else
#include <ucontext.h>
struct Context { ucontext_t uc; };
#endif

namespace
{
    const size_t StackBytes = 256 * 1024;
    Context scheduler;
    std::vector<Context> contexts;
    std::vector<std::vector<unsigned char>> stacks;
    enum { Runnable = 0, AtBlockBarrier = 1, Finished = 2, AtWarpBarrier = 3 };
    std::vector<int> state;
    unsigned current = 0;
    bool direct = false;    // threads run as plain calls: a barrier now is a divergent barrier
    void (*body)(void**) = nullptr;
    void** bodyArgs = nullptr;
    std::string lastError;

    template <typename T> T take(void* p) { return *static_cast<T*>(p); }

    template <typename... A, size_t... I>
    void invoke(void (*kernel)(A...), void** args, std::index_sequence<I...>)
    {
        kernel(take<A>(args[I])...);
    }

    template <typename... A>
    void call(void (*kernel)(A...), void** args)
    {
        invoke(kernel, args, std::index_sequence_for<A...>{});
    }

    struct Entry { const char* name; void (*run)(void**); };
#define GX_KERNEL(name) { #name, [](void** a) { call(name, a); } },
    const Entry table[] = {
#include "kernel_table.inc"
    };
#undef GX_KERNEL

    void switchTo(Context& from, Context& to)
    {
#if defined(__x86_64__)
        gx_switch(&from.sp, to.sp);
#else
        swapcontext(&from.uc, &to.uc);
#endif
    }

    [[noreturn]] void threadMain()
    {
        body(bodyArgs);
        state[current] = Finished;
        switchTo(contexts[current], scheduler);
        std::abort(); // a finished thread is never resumed
    }

    void prepare(unsigned t)
    {
        unsigned char* stack = stacks[t].data();
#if defined(__x86_64__)
        // Initial frame popped by gx_switch: six registers, then the "return address" threadMain. At threadMain's
        // entry the stack pointer must be 8 mod 16, as after a call.
        uintptr_t top = (reinterpret_cast<uintptr_t>(stack) + StackBytes) & ~uintptr_t(15);
        void** sp = reinterpret_cast<void**>(top - 16);
        sp[0] = reinterpret_cast<void*>(&threadMain);
        sp[1] = nullptr;
        sp -= 6;
        for (int i = 0; i < 6; i++) sp[i] = nullptr;
        contexts[t].sp = sp;
#else
        getcontext(&contexts[t].uc);
        contexts[t].uc.uc_stack.ss_sp = stack;
        contexts[t].uc.uc_stack.ss_size = StackBytes;
        contexts[t].uc.uc_link = nullptr;
        makecontext(&contexts[t].uc, reinterpret_cast<void (*)()>(threadMain), 0);
#endif
        state[t] = Runnable;
    }

    void setThread(unsigned t)
    {
        current = t;
        threadIdx = {t % blockDim.x, (t / blockDim.x) % blockDim.y, t / (blockDim.x * blockDim.y)};
    }
}

double gx_lane_values[1024];

namespace
{
    void waitAt(int barrier, const char* what)
    {
        if (direct)
        {
            std::fprintf(stderr, "gx emulation: thread %u reached %s in a block whose thread 0 used none (divergent barrier)\n", current, what);
            std::abort();
        }
        state[current] = barrier;
        switchTo(contexts[current], scheduler);
    }

    // Releases what can go on once no thread is runnable: each warp whose threads all wait at the warp barrier,
    // else the whole block when every thread waits at __syncthreads. Returns false when nothing can: a barrier
    // that some threads never reach (undefined behaviour in CUDA), described in lastError.
    bool release(const char* name)
    {
        unsigned threads = (unsigned)state.size();
        bool released = false;
        for (unsigned w = 0; w < threads; w += 32)
        {
            unsigned end = std::min(threads, w + 32), waiting = 0;
            for (unsigned t = w; t < end; t++) waiting += state[t] == AtWarpBarrier;
            if (waiting == end - w)
            {
                for (unsigned t = w; t < end; t++) state[t] = Runnable;
                released = true;
            }
            else if (waiting > 0)
            {
                char text[200];
                std::snprintf(text, sizeof text, "%s block (%u,%u,%u): %u threads of warp %u wait at a warp barrier that the others never reach",
                    name, blockIdx.x, blockIdx.y, blockIdx.z, waiting, w / 32);
                lastError = text;
                return false;
            }
        }
        if (released) return true;
        unsigned atBlock = 0;
        for (unsigned t = 0; t < threads; t++) atBlock += state[t] == AtBlockBarrier;
        if (atBlock == threads)
        {
            for (unsigned t = 0; t < threads; t++) state[t] = Runnable;
            return true;
        }
        unsigned finished = threads - atBlock;
        char text[200];
        std::snprintf(text, sizeof text, "%s block (%u,%u,%u): %u threads wait at __syncthreads while %u have returned",
            name, blockIdx.x, blockIdx.y, blockIdx.z, atBlock, finished);
        lastError = text;
        return false;
    }
}

void __syncthreads() { waitAt(AtBlockBarrier, "__syncthreads"); }

void gx_warp_barrier() { waitAt(AtWarpBarrier, "a warp barrier"); }

unsigned gx_thread_rank() { return current; }

extern "C" const char* gx_last_error() { return lastError.c_str(); }

extern "C" int gx_launch(const char* name, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
    unsigned sharedBytes, void** args)
{
    body = nullptr;
    for (const Entry& e : table)
    {
        if (std::strcmp(e.name, name) == 0) body = e.run;
    }
    if (!body)
    {
        lastError = std::string("unknown kernel ") + name;
        return -1;
    }
    bodyArgs = args;
    unsigned threads = bx * by * bz;
    if (threads > 1024)
    {
        lastError = "more than 1024 threads per block";
        return -1;
    }
    contexts.resize(threads);
    state.assign(threads, 0);
    if (stacks.size() < threads) stacks.resize(threads);
    for (auto& s : stacks) if (s.size() < StackBytes) s.resize(StackBytes);
    std::vector<unsigned char> shared(sharedBytes + 16);
    gridDim = {gx, gy, gz};
    blockDim = {bx, by, bz};
    for (unsigned z = 0; z < gz; z++)
    for (unsigned y = 0; y < gy; y++)
    for (unsigned x = 0; x < gx; x++)
    {
        blockIdx = {x, y, z};
        // Shared memory starts as NaN bytes: a read before any write shows up as NaN, not as a lucky 0.
        std::memset(shared.data(), 0xFF, shared.size());
        gx_dynamic_shared = shared.data();
        direct = false;
        prepare(0);
        setThread(0);
        switchTo(scheduler, contexts[0]);
        if (state[0] == Finished)
        {
            direct = true;
            for (unsigned t = 1; t < threads; t++)
            {
                setThread(t);
                body(bodyArgs);
            }
            direct = false;
            continue;
        }
        // Thread 0 waits at its first barrier: bring the others there, then release all, barrier by barrier.
        for (unsigned t = 1; t < threads; t++)
        {
            prepare(t);
            setThread(t);
            switchTo(scheduler, contexts[t]);
        }
        for (;;)
        {
            unsigned finished = 0;
            for (unsigned t = 0; t < threads; t++) finished += state[t] == Finished;
            if (finished == threads) break;
            if (!release(name)) return -2;
            for (unsigned t = 0; t < threads; t++)
            {
                if (state[t] != Runnable) continue;
                setThread(t);
                switchTo(scheduler, contexts[t]);
            }
        }
    }
    return 0;
}
