// The launcher of the CUDA emulation (see cuda_emulation.h). Built together with the kernels and a generated
// table of their names (kernel_table.inc) into a shared library that the tests load:
//   int gx_launch(const char* name, unsigned gx, gy, gz, bx, by, bz, unsigned sharedBytes, void** args)
// returns 0, or −1 for an unknown kernel, −2 for a barrier reached by only some threads of a block (undefined
// behaviour in CUDA); gx_last_error() describes the failure.
#include "cuda_emulation.h"
#include <ucontext.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>
#include <tuple>

gx_dim3 threadIdx, blockIdx, blockDim, gridDim;
unsigned char* gx_dynamic_shared = nullptr;

#include "kernels_all.inc"

namespace
{
    const size_t StackBytes = 256 * 1024;
    ucontext_t scheduler;
    std::vector<ucontext_t> contexts;
    std::vector<std::vector<unsigned char>> stacks;
    std::vector<int> state; // 0 runnable, 1 at barrier, 2 finished
    unsigned current = 0;
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

    void threadMain()
    {
        body(bodyArgs);
        state[current] = 2;
        swapcontext(&contexts[current], &scheduler);
    }
}

void __syncthreads()
{
    state[current] = 1;
    swapcontext(&contexts[current], &scheduler);
}

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
        for (unsigned t = 0; t < threads; t++)
        {
            getcontext(&contexts[t]);
            contexts[t].uc_stack.ss_sp = stacks[t].data();
            contexts[t].uc_stack.ss_size = StackBytes;
            contexts[t].uc_link = nullptr;
            makecontext(&contexts[t], threadMain, 0);
            state[t] = 0;
        }
        for (;;)
        {
            for (unsigned t = 0; t < threads; t++)
            {
                if (state[t] == 2) continue;
                state[t] = 0;
                current = t;
                threadIdx = {t % bx, (t / bx) % by, t / (bx * by)};
                swapcontext(&scheduler, &contexts[t]);
            }
            unsigned finished = 0, waiting = 0;
            for (unsigned t = 0; t < threads; t++)
            {
                finished += state[t] == 2;
                waiting += state[t] == 1;
            }
            if (finished == threads) break;
            if (finished > 0 && waiting > 0)
            {
                char text[200];
                std::snprintf(text, sizeof text, "%s block (%u,%u,%u): %u threads wait at __syncthreads while %u have returned",
                    name, x, y, z, waiting, finished);
                lastError = text;
                return -2;
            }
        }
    }
    return 0;
}
