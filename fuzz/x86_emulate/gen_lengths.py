#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Regenerates tests/unit/test_x86_emulate_lengths.c: assembles a list of
# instructions per mode with GNU as, takes each instruction's bytes from
# objdump (AMD64 semantics, the default) and writes them with their lengths.
# Run from the repository root: python3 fuzz/x86_emulate/gen_lengths.py
import os, re, subprocess, sys, tempfile

COMMON = r"""
cpuid
rdmsr
wrmsr
rdtsc
rdtscp
rdpmc
hlt
pause
invd
wbinvd
monitor
mwait
xsetbv
xgetbv
clts
int3
int $0x80
int1
sti
cli
clc
stc
cmc
cld
std
lfence
mfence
sfence
ud2
nop
nopw 0x0(%eax,%eax,1)
in $0x71,%al
in $0x71,%ax
in $0x71,%eax
in (%dx),%al
in (%dx),%ax
in (%dx),%eax
out %al,$0x80
out %ax,$0x80
out %eax,$0x80
out %al,(%dx)
out %ax,(%dx)
out %eax,(%dx)
insb
insw
insl
outsb
outsw
outsl
rep insb
rep insw
rep outsl
rep movsb
rep movsw
rep movsl
rep stosb
rep stosl
repe cmpsb
repne scasw
lodsb
lodsl
fs lodsb
es movsb
fld %st(1)
fldl 8(%ebx)
fstps (%eax)
fnstcw 2(%esi)
add %al,(%eax)
add %eax,(%eax)
add (%eax),%ecx
add $0x12,%al
add $0x12345678,%eax
addw $0x1234,%ax
addb $1,(%ebx)
addl $1,(%ebx)
addl $0x12345,(%ebx)
addw $0x7f,4(%ebx)
or %cl,%dl
adc %edx,0x10(%ebp)
sbb 0x1000(%ebp),%esi
and $0xffffff80,%ecx
sub %esp,(%esp)
xor %bh,-4(%esi,%edi,4)
cmp $0x7f,%bl
cmpl $0x80,0x12345678
test %al,(%ecx)
test %eax,%edx
testb $0x80,(%eax)
testl $0x10000,(%eax)
testw $0x100,(%eax)
test $0x12,%al
test $0x12345678,%eax
xchg %eax,(%ebx)
xchg %al,%cl
xchg %eax,%ecx
mov %al,(%ebx)
mov %ax,(%ebx)
mov (%ebx),%ecx
mov (%ebx),%cl
movb $0x12,(%ecx)
movw $0x1234,(%ecx)
movl $0x12345678,(%ecx)
movl $0x12345678,0x100(%ecx,%edx,8)
mov %es,%ax
mov %ax,%ds
mov 0x12345678,%al
mov 0x12345678,%eax
mov %al,0x12345678
mov %eax,0x12345678
movzbl (%eax),%ecx
movzwl (%eax),%ecx
movsbl (%eax),%ecx
movswl (%eax),%ecx
movsbw (%eax),%cx
movzbw %al,%cx
lea 0x10(%eax,%ebx,2),%edx
lea (,%eax,4),%edx
lea 0x12345678(,%eax,8),%edx
inc %eax
dec %ecx
incb (%eax)
decw (%eax)
incl 0x44(%eax)
notb (%eax)
notl (%eax)
negl (%eax)
negw (%eax)
mulb (%eax)
imull (%eax)
divl %ecx
idivw (%eax)
imul $0x12,%eax,%ecx
imul $0x1234,%eax,%ecx
imul (%eax),%ecx
bt %eax,(%ebx)
bts %eax,(%ebx)
btr %eax,(%ebx)
btc %eax,(%ebx)
btl $3,(%ebx)
btsl $31,(%ebx)
btrw $15,(%ebx)
btcl $1,4(%ebx)
bsf %eax,%ecx
bsr (%eax),%ecx
popcnt %eax,%ecx
lzcnt %eax,%ecx
tzcnt (%eax),%ecx
cmpxchg %cl,(%ebx)
cmpxchg %ecx,(%ebx)
cmpxchg8b (%esi)
lock cmpxchg %ecx,(%ebx)
lock cmpxchg8b (%esi)
xadd %al,(%ebx)
xadd %eax,(%ebx)
lock xadd %eax,(%ebx)
lock addl $1,(%eax)
lock incl (%eax)
lock btsl $1,(%eax)
lock bts %eax,(%ebx)
lock xchg %eax,(%ebx)
lock orb $1,0x10(%eax)
lock negl (%eax)
lock notb (%eax)
lock decw (%eax)
seta (%eax)
setne %al
sete 0x10(%ebx)
cmovne %eax,%ecx
cmove (%eax),%ecx
movnti %eax,(%ebx)
bswap %eax
shl $3,%eax
shrl $5,(%eax)
sar %cl,%eax
rolb (%eax)
rcr $1,%ecx
shld $4,%eax,%ecx
shrd %cl,%eax,(%ebx)
push $0x12
push $0x12345678
push %eax
pop %ecx
pushf
popf
push %fs
pop %gs
leave
enter $0x10,$0
ret
ret $8
lret
lret $8
iret
jmp .+0x10
jmp .+0x1000
je .+0x10
jne .+0x1000
loop .+0x10
jecxz .+0x10
call .+0x1000
call *%eax
call *(%eax)
jmp *%ecx
jmp *0x10(%ecx)
lcall *(%eax)
ljmp *(%eax)
cbw
cwd
cltd
sahf
lahf
xlat
movaps %xmm0,%xmm1
movaps (%eax),%xmm1
movups %xmm1,0x10(%eax)
movdqu (%eax),%xmm2
movd %xmm0,%eax
movq %xmm0,%xmm1
pshufd $0x1b,%xmm0,%xmm1
pshufb %xmm0,%xmm1
pextrb $3,%xmm0,%eax
pinsrd $1,(%eax),%xmm1
palignr $4,%xmm0,%xmm1
crc32b %al,%ecx
crc32l (%eax),%ecx
movbe (%eax),%ecx
cmpps $1,%xmm0,%xmm1
psllw $3,%xmm2
psrlq $3,%mm2
emms
addps %xmm0,%xmm1
sqrtsd (%eax),%xmm0
ldmxcsr (%eax)
stmxcsr (%eax)
fxsave (%eax)
xsave (%eax)
xrstor (%eax)
clflush (%eax)
prefetcht0 (%eax)
prefetchw (%eax)
lgdt (%eax)
lidt (%eax)
sgdt (%eax)
sidt (%eax)
lldt %ax
ltr %ax
str %ax
sldt %ax
lmsw %ax
smsw %ax
invlpg (%eax)
invlpg 0x1000(%eax,%ebx,2)
verr %ax
lar %ax,%ax
lsl %eax,%eax
vmrun
vmmcall
vmload
vmsave
stgi
clgi
skinit
invlpga
rdrand %eax
rdseed %eax
rdpid %eax
wbnoinvd
clzero
mov %cr0,%eax
mov %cr3,%eax
mov %cr4,%ecx
mov %eax,%cr0
mov %eax,%cr3
mov %ecx,%cr4
mov %db7,%eax
mov %eax,%db0
endbr32
cmpxchg8b 0x10(%ebx,%ecx,1)
xbegin .+0x100
xabort $1
xend
"""

M64 = r"""
syscall
sysret
swapgs
sysretq
mov %cr8,%rax
mov %rax,%cr8
mov %cr0,%r10
mov %r9,%cr3
mov %cr3,%rax
invlpg (%rip)
invlpg 0x12345678(%rip)
invlpg (%r12)
invlpg (%r13)
invlpg (%rsp)
invlpg (%rbp)
invlpg 0x10(%r8,%r9,8)
invlpg (,%r12,2)
invlpg (%eax)
invlpg (%r8d)
add %rax,(%rbx)
add %r8,(%r9)
add %r8b,(%r9)
add %sil,(%rdi)
addq $0x12,(%rax)
addq $0x12345678,(%rax)
addq $-1,0x10(%rip)
add $0x12345678,%rax
add $0x1,%r11b
orq $1,%gs:0x10
andl $0,%fs:(%rax)
mov %gs:0x28,%rax
mov %fs:(%rdx),%ecx
mov %eax,%gs:(%rcx)
movabs 0x123456789abcdef0,%al
movabs 0x123456789abcdef0,%rax
movabs %al,0x123456789abcdef0
movabs %eax,0x123456789abcdef0
movabs $0x123456789abcdef0,%rax
movabs $0x123456789abcdef0,%r15
mov $0x12345678,%r15d
mov $0x12,%r15b
movl $0x12345678,(%rax)
movq $-1,(%rax)
movq $0x12345678,0x10(%r12,%r13,4)
movslq (%rax),%rcx
movslq %eax,%rcx
movslq (%r8),%r9
movzbq (%rax),%rcx
movzwq (%rax),%rcx
movsbq (%rax),%r8
movswq (%r10),%r8
mov %r8,%r9
mov %rax,(%rsp)
mov 0x8(%rsp),%rax
mov -0x8(%rbp),%rax
mov 0x12345678(%rip),%rax
mov %ax,0x10(%rip)
movb $1,0x10(%rip)
movw $1,0x10(%rip)
movl $1,0x10(%rip)
movq $1,0x10(%rip)
testb $1,0x10(%rip)
testl $1,0x10(%rip)
testw $1,0x10(%rip)
xchg %rax,(%rbx)
xchg %r8,%r9
lock xadd %rax,(%rbx)
lock cmpxchg %r8,(%r9)
lock cmpxchg16b (%rsi)
cmpxchg16b 0x10(%rsi)
lock btsq $63,(%rax)
lock incq (%rax)
bt %rax,(%rbx)
btq $63,(%rax)
setb (%r8)
setg %r8b
movnti %rax,(%rbx)
movnti %r8,(%r9)
push %r12
pop %r13
pushq $0x12
pushq $0x12345678
push %fs
pushw $0x1234
call *%rax
call *(%rax)
call *0x10(%rip)
jmp *%r11
rex64 ret
iretq
lretq
incq (%r8)
decl (%r8)
negq %r11
notq 0x10(%rsp,%rcx,8)
imul $0x12345678,%r8,%r9
shl $3,%r10
bswap %r8
cmovnsq (%r8),%r9
rep movsq
rep stosq
lodsq
scasq
repne scasb
addr32 rep movsb
addr32 rep stosl
addr32 mov (%eax),%ecx
mov (%eax),%ecx
mov (%r8d,%r9d,4),%ecx
movaps (%r8),%xmm9
movdqa %xmm8,%xmm15
pshufd $0x1b,(%r8),%xmm10
pextrq $1,%xmm0,%rax
pinsrq $1,(%rax),%xmm1
crc32q (%rax),%rax
movbe (%rax),%rax
popcnt (%r8),%r9
rdfsbase %rax
wrgsbase %rax
fxsave64 (%rax)
xsave64 (%rax)
endbr64
"""

M32 = r"""
push %es
pop %es
push %cs
push %ss
pop %ss
push %ds
pop %ds
daa
das
aaa
aas
pusha
popa
bound %eax,(%ebx)
arpl %ax,(%ebx)
les (%eax),%ecx
lds (%eax),%ecx
lss (%eax),%ecx
lfs (%eax),%ecx
into
aam
aad
aam $0x10
lcall $0x10,$0x12345678
ljmp $0x10,$0x12345678
lcallw $0x10,$0x1234
ljmpw $0x10,$0x1234
mov 0x1234,%al
addr16 mov 0x1234,%al
addr16 mov 0x1234,%eax
addr16 mov %eax,0x1234
mov (%bx,%si),%eax
mov 0x10(%bp,%di),%eax
mov 0x1234(%bx),%eax
mov 0x1234,%eax
movw $0x1234,(%bx)
movl $0x12345678,0x10(%bp)
rep movsw
addr16 rep movsb
addr16 rep stosl
data16 rep movsl
cmpxchg %ax,(%ebx)
xadd %ax,(%bx,%di)
bt %ax,(%bx)
btw $3,0x12(%bp)
jmpw *%ax
inc %ecx
dec %edi
inc %cx
pushw $0x1234
pushl $0x12345678
sysenter
sysexit
mov %cr0,%eax
mov %eax,%cr3
jcxz .+0x10
lock addw $1,(%bx)
lock xchg %ax,0x10(%si)
ss mov (%eax),%eax
cs mov (%eax),%eax
ds mov (%eax),%eax
es mov (%eax),%eax
gs mov (%eax),%eax
fs mov (%eax),%eax
"""

# Hand-written cases: (mode, hex bytes, expected result, expected length)
RAW = [
    (64, "06", "X86EMUL_EXCEPTION", 0),
    (64, "27", "X86EMUL_EXCEPTION", 0),
    (64, "60", "X86EMUL_EXCEPTION", 0),
    (64, "9a 00 00 00 00 10 00", "X86EMUL_EXCEPTION", 0),
    (64, "c5 f8 77", "X86EMUL_UNHANDLEABLE", 0),          # vzeroupper
    (64, "c4 e2 79 00 c1", "X86EMUL_UNHANDLEABLE", 0),    # vpshufb
    (64, "62 f1 7c 48 28 c1", "X86EMUL_UNHANDLEABLE", 0), # EVEX vmovaps
    (64, "8f e9 78 c1 c1", "X86EMUL_UNHANDLEABLE", 0),    # XOP
    (64, "0f 0f c1 b4", "X86EMUL_UNHANDLEABLE", 0),       # 3DNow!
    (64, "0f 04", "X86EMUL_UNHANDLEABLE", 0),
    (64, "0f b8 c0", "X86EMUL_UNHANDLEABLE", 0),          # JMPE
    (64, "d6", "X86EMUL_UNHANDLEABLE", 0),
    (64, "8f 00", "X86EMUL_OKAY", 2),                     # pop (%rax)
    (64, "f0 90", "X86EMUL_EXCEPTION", 0),
    (64, "f0 01 c0", "X86EMUL_EXCEPTION", 0),
    (64, "f0 38 00", "X86EMUL_EXCEPTION", 0),             # lock cmp
    (64, "f0 88 00", "X86EMUL_EXCEPTION", 0),             # lock mov
    (64, "f0 0f a3 00", "X86EMUL_EXCEPTION", 0),          # lock bt
    (64, "f0 0f ba 20 01", "X86EMUL_EXCEPTION", 0),       # lock bt imm
    (64, "f0 0f 20 c0", "X86EMUL_OKAY", 4),               # AMD: mov %cr8,%rax
    (64, "f0 00 00", "X86EMUL_OKAY", 3),
    (64, "66 " * 14 + "90", "X86EMUL_OKAY", 15),
    (64, "66 " * 15 + "90", "X86EMUL_EXCEPTION", 0),
    (64, "26 " * 14 + "89 00", "X86EMUL_EXCEPTION", 0),
    (64, "26 " * 13 + "89 00", "X86EMUL_OKAY", 15),
    (64, "64 " * 4 + "48 c7 84 88 00 00 00 01 ff ff ff ff", "X86EMUL_EXCEPTION", 0),
    (64, "64 " * 3 + "48 c7 84 88 00 00 00 01 ff ff ff ff", "X86EMUL_OKAY", 15),
    (64, "48 66 90", "X86EMUL_OKAY", 3),                  # REX not last: ignored
    (64, "48 66 b8 00 00", "X86EMUL_OKAY", 5),            # so mov $imm16,%ax
    (64, "66 48 b8 00 00 00 00 00 00 00 00", "X86EMUL_OKAY", 11),
    (64, "0f", "X86EMUL_TRUNCATED", 0),
    (64, "48", "X86EMUL_TRUNCATED", 0),
    (64, "b8 00 00", "X86EMUL_TRUNCATED", 0),
    (64, "", "X86EMUL_TRUNCATED", 0),
    (64, "0f 20 00", "X86EMUL_OKAY", 3),                  # mod ignored
    (64, "0f 22 5d", "X86EMUL_OKAY", 3),
    (64, "0f 21 80", "X86EMUL_OKAY", 3),
    (64, "66 0f 78 c0 01 02", "X86EMUL_OKAY", 6),         # extrq
    (64, "f2 0f 78 c1 01 02", "X86EMUL_OKAY", 6),         # insertq
    (32, "c4 c0", "X86EMUL_UNHANDLEABLE", 0),             # VEX
    (32, "c4 00", "X86EMUL_OKAY", 2),                     # les
    (32, "c5 10", "X86EMUL_OKAY", 2),                     # lds
    (32, "62 c0", "X86EMUL_UNHANDLEABLE", 0),             # EVEX
    (32, "62 00", "X86EMUL_OKAY", 2),                     # bound
    (32, "40", "X86EMUL_OKAY", 1),
    (32, "66 " * 14 + "90", "X86EMUL_OKAY", 15),
    (32, "f3 " * 15 + "90", "X86EMUL_EXCEPTION", 0),
    (16, "c4 c0", "X86EMUL_UNHANDLEABLE", 0),
    (16, "9a 00 00 10 00", "X86EMUL_OKAY", 5),
    (16, "66 9a 00 00 00 00 10 00", "X86EMUL_OKAY", 8),
    (16, "67 8b 04 24", "X86EMUL_OKAY", 4),
    (16, "8b 06 34 12", "X86EMUL_OKAY", 4),
    (16, "f0 0f c7 0c", "X86EMUL_OKAY", 4),
    (16, "f0 0f c7 0c", "X86EMUL_OKAY", 4),
    (16, "f0 0f c7 c8", "X86EMUL_EXCEPTION", 0),
]

MODES = {16: (".code16", "--32", "i8086"), 32: (".code32", "--32", "i386"),
         64: (".code64", "--64", "i386:x86-64")}


def lines_for(mode):
    src = [l for l in COMMON.strip().splitlines()]
    if mode == 64:
        # 32-bit-only addressing registers are fine with addr32 in long mode,
        # but drop what long mode lacks.
        src = [l for l in src if not re.search(r"\b(lcall|ljmp|sysexit|into|sysenter)\b", l)]
        src += M64.strip().splitlines()
    else:
        src += M32.strip().splitlines()
    return src


def assemble(mode, lines):
    code, asflag, _ = MODES[mode]
    out = []
    with tempfile.TemporaryDirectory() as d:
        s = os.path.join(d, "t.s")
        o = os.path.join(d, "t.o")
        kept = []
        for l in lines:
            with open(s, "w") as f:
                f.write(f"{code}\n{l}\n")
            r = subprocess.run(["as", asflag, s, "-o", o], capture_output=True, text=True)
            if r.returncode == 0:
                kept.append(l)
        with open(s, "w") as f:
            f.write(code + "\n" + "\n".join(kept) + "\n")
        subprocess.run(["as", asflag, s, "-o", o], check=True)
        dis = subprocess.run(["objdump", "-d", "--insn-width=16", o],
                             capture_output=True, text=True, check=True).stdout
        if mode == 16:
            dis = subprocess.run(["objdump", "-d", "-M", "i8086", "--insn-width=16", o],
                                 capture_output=True, text=True, check=True).stdout
        insns = []
        for dl in dis.splitlines():
            m = re.match(r"\s+[0-9a-f]+:\t((?:[0-9a-f]{2} )+)\s*\t(.*)", dl)
            if m:
                insns.append((m.group(1).split(), m.group(2).strip()))
        if len(insns) != len(kept):
            sys.exit(f"mode {mode}: {len(kept)} lines but {len(insns)} instructions")
        for l, (b, text) in zip(kept, insns):
            out.append((mode, b, "X86EMUL_OKAY", len(b), l))
    return out


HEAD = """#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <asm/x86_emulate.h>

struct len_case {
	unsigned int mode;
	int rc;
	unsigned int len;
	unsigned int nbytes;
	uint8_t bytes[16];
};

static const struct len_case cases[] = {
"""

TAIL = """};

void test_x86_lengths(void **state);

/* Every row, decoded from exactly its bytes, then from a 15-byte buffer. */
void test_x86_lengths(void **state)
{
	unsigned int failures = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct len_case *t = &cases[i];
		uint8_t buf[15];
		unsigned int len = 99;
		int rc = x86_decode_length(t->bytes, t->nbytes, t->mode, &len);
		int rc15;

		for (unsigned int j = 0; j < sizeof(buf); j++)
			buf[j] = j < t->nbytes ? t->bytes[j] : 0x90;
		rc15 = x86_decode_length(buf, sizeof(buf), t->mode, &len);
		if (t->rc == X86EMUL_TRUNCATED)
			rc15 = X86EMUL_TRUNCATED;	/* padding completes it */
		rc = x86_decode_length(t->bytes, t->nbytes, t->mode, &len);
		if (rc != t->rc || rc15 != t->rc ||
		    (rc == X86EMUL_OKAY && len != t->len)) {
			printf("# case %zu (mode %u): rc %d/%d len %u, want rc %d len %u\\n",
			       i, t->mode, rc, rc15, len, t->rc, t->len);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}
"""


def main():
    rows = []
    for mode in (16, 32, 64):
        rows += assemble(mode, lines_for(mode))
    for mode, hexs, rc, n in RAW:
        rows.append((mode, hexs.split(), rc, n, "hand-written"))
    path = "tests/unit/test_x86_emulate_lengths.c"
    with open(path, "w") as f:
        f.write("/* SPDX-License-Identifier: MIT */\n")
        f.write("/*\n * Instruction-length table for the x86 decoder, generated by\n"
                " * fuzz/x86_emulate/gen_lengths.py from GNU as + objdump (do not edit by\n"
                " * hand; edit the script). Each row: mode, bytes, result, length.\n */\n")
        f.write(HEAD)
        for mode, b, rc, n, text in rows:
            hb = ", ".join("0x" + x for x in b) if b else "0"
            text = text.replace("*/", "* /")
            f.write(f"\t{{ {mode}, {rc}, {n}, {len(b)}, {{ {hb} }} }}, /* {text} */\n")
        f.write(TAIL)
    print(f"{len(rows)} cases written to {path}")


main()
