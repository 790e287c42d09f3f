/*
 * bigstack.c - a function called on a stack of its own (bigstack.h).
 * The switch is a few instructions (x86-64, AArch64): the stack pointer
 * moves to the top of the big stack, fn is called, it moves back.  The
 * frame pointer chain goes on into the caller's stack, so backtraces
 * (and the sanitizers', which are also told of the switch) see through.
 */
#include "bigstack.h"

#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define RT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/common_interface_defs.h>
#define RT_ASAN 1
#endif
#endif

#if defined(__x86_64__) || defined(__aarch64__)
#define RT_SWITCH 1
/* rt_bigstack_switch(fn, arg, top): call fn(arg) with the stack pointer
 * at top (16-byte aligned), back on the caller's stack after. */
void rt_bigstack_switch(void (*fn)(void *), void *arg, void *top);
#if defined(__x86_64__)
__asm__(
    ".text\n"
    ".p2align 4\n"
    ".globl rt_bigstack_switch\n"
    ".hidden rt_bigstack_switch\n"
    ".type rt_bigstack_switch, @function\n"
    "rt_bigstack_switch:\n"
    "	.cfi_startproc\n"
    "	pushq %rbp\n"
    "	.cfi_def_cfa_offset 16\n"
    "	.cfi_offset %rbp, -16\n"
    "	movq %rsp, %rbp\n"
    "	.cfi_def_cfa_register %rbp\n"
    "	movq %rdx, %rsp\n"
    "	movq %rdi, %rax\n"
    "	movq %rsi, %rdi\n"
    "	callq *%rax\n"
    "	movq %rbp, %rsp\n"
    "	popq %rbp\n"
    "	.cfi_def_cfa %rsp, 8\n"
    "	ret\n"
    "	.cfi_endproc\n"
    ".size rt_bigstack_switch, .-rt_bigstack_switch\n");
#else
__asm__(
    ".text\n"
    ".p2align 2\n"
    ".globl rt_bigstack_switch\n"
    ".hidden rt_bigstack_switch\n"
    ".type rt_bigstack_switch, %function\n"
    "rt_bigstack_switch:\n"
    "	.cfi_startproc\n"
    "	stp x29, x30, [sp, #-16]!\n"
    "	.cfi_def_cfa_offset 16\n"
    "	.cfi_offset x29, -16\n"
    "	.cfi_offset x30, -8\n"
    "	mov x29, sp\n"
    "	.cfi_def_cfa_register x29\n"
    "	mov sp, x2\n"
    "	mov x3, x0\n"
    "	mov x0, x1\n"
    "	blr x3\n"
    "	mov sp, x29\n"
    "	ldp x29, x30, [sp], #16\n"
    "	.cfi_def_cfa sp, 0\n"
    "	ret\n"
    "	.cfi_endproc\n"
    ".size rt_bigstack_switch, .-rt_bigstack_switch\n");
#endif
#endif

static char *base;		/* the mapping, guard page first */
static int tried, depth;

int
rt_bigstack_active(void)
{
#ifdef RT_SWITCH
	if (!tried) {
		void *p;

		tried = 1;
		p = mmap(NULL, RT_BIGSTACK_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK,
		    -1, 0);
		if (p != MAP_FAILED) {
			/* A guard page under the stack: an overflow faults. */
			mprotect(p, (size_t)sysconf(_SC_PAGESIZE), PROT_NONE);
			base = p;
		}
	}
#endif
	return base != NULL;
}

struct call {
	void (*fn)(void *);
	void *arg;
#ifdef RT_ASAN
	void *fake;
	const void *old_bottom;
	size_t old_size;
#endif
};

/* On the big stack. */
static void
trampoline(void *p)
{
	struct call *c = p;

#ifdef RT_ASAN
	__sanitizer_finish_switch_fiber(c->fake, &c->old_bottom, &c->old_size);
#endif
	c->fn(c->arg);
#ifdef RT_ASAN
	__sanitizer_start_switch_fiber(&c->fake, c->old_bottom, c->old_size);
#endif
}

void
rt_bigstack_call(void (*fn)(void *), void *arg)
{
	struct call c;

	if (depth > 0 || !rt_bigstack_active()) {
		fn(arg);
		return;
	}
#ifdef RT_SWITCH
	c.fn = fn;
	c.arg = arg;
	depth++;
#ifdef RT_ASAN
	__sanitizer_start_switch_fiber(&c.fake, base, RT_BIGSTACK_SIZE);
#endif
	rt_bigstack_switch(trampoline, &c, (void *)(((uintptr_t)base +
	    RT_BIGSTACK_SIZE) & ~(uintptr_t)15));
#ifdef RT_ASAN
	__sanitizer_finish_switch_fiber(c.fake, NULL, NULL);
#endif
	depth--;
#else
	(void)c;
	fn(arg);
#endif
}

void
rt_bigstack_trim(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), keep = (size_t)1 << 20;

	if (base && depth == 0)
		madvise(base + page, RT_BIGSTACK_SIZE - keep - page,
		    MADV_DONTNEED);
}
