matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=63 tokens=3 woff=4 pop_ld push_ld  # 0
load wgt sram=32 dram=0x111800 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 1
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=66 tokens=3 woff=0 pop_ld push_ld  # 2
load wgt sram=48 dram=0x111c00 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 3
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=69 tokens=3 woff=4 pop_ld push_ld  # 4
load wgt sram=0 dram=0x112000 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 5
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=72 tokens=3 woff=0 pop_ld push_ld  # 6
load wgt sram=16 dram=0x112400 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 7
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=75 tokens=3 woff=4 pop_ld push_ld  # 8
load wgt sram=32 dram=0x112800 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 9
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=78 tokens=3 woff=0 pop_ld push_ld  # 10
load wgt sram=48 dram=0x112c00 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 11
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=81 tokens=3 woff=4 pop_ld push_ld  # 12
load wgt sram=0 dram=0x113000 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 13
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=84 tokens=3 woff=0 pop_ld push_ld  # 14
load wgt sram=16 dram=0x113400 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 15
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=87 tokens=3 woff=4 pop_ld push_ld  # 16
load wgt sram=32 dram=0x113800 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 17
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=90 tokens=3 woff=0 pop_ld push_ld  # 18
load wgt sram=48 dram=0x113c00 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 19
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=93 tokens=3 woff=4 pop_ld push_ld  # 20
load wgt sram=0 dram=0x114000 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 21
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=96 tokens=3 woff=0 pop_ld push_ld  # 22
load wgt sram=16 dram=0x114400 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 23
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=99 tokens=3 woff=4 pop_ld push_ld  # 24
load wgt sram=32 dram=0x114800 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 25
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=102 tokens=3 woff=0 pop_ld push_ld  # 26
load wgt sram=48 dram=0x114c00 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 27
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=105 tokens=3 woff=4 pop_ld push_ld  # 28
load wgt sram=0 dram=0x115000 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 29
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=108 tokens=3 woff=0 pop_ld push_ld push_vu  # 30
vec vop=0 vkind=3 vdst=29 vsrc1=48 vsrc2=3 vlen=336 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0 pop_ex pop_st  # 31
vec vop=9 vkind=0 vdst=29 vsrc1=29 vsrc2=0 vlen=336 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=0  # 32
vec vop=2 vkind=0 vdst=29 vsrc1=29 vsrc2=27 vlen=336 vbmode=1 vlane=0 vswap=0 vrot=0 vimm=0  # 33
vec vop=2 vkind=0 vdst=29 vsrc1=29 vsrc2=0 vlen=336 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=1015188672 push_st  # 34
store sram=116 dram=0x390000 rows=1 row_beats=21 stride=0 vsp pop_vu push_vu  # 35
vec vop=0 vkind=3 vdst=35 vsrc1=49 vsrc2=3 vlen=336 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 36
vec vop=9 vkind=0 vdst=35 vsrc1=35 vsrc2=0 vlen=336 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=0  # 37
vec vop=2 vkind=0 vdst=35 vsrc1=35 vsrc2=27 vlen=336 vbmode=1 vlane=1 vswap=0 vrot=0 vimm=0  # 38
vec vop=2 vkind=0 vdst=35 vsrc1=35 vsrc2=0 vlen=336 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=1015188672 push_st  # 39
store sram=140 dram=0x390b00 rows=1 row_beats=21 stride=0 vsp pop_vu push_vu  # 40
vec vop=0 vkind=3 vdst=29 vsrc1=50 vsrc2=3 vlen=336 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0 pop_st push_ex  # 41
vec vop=9 vkind=0 vdst=29 vsrc1=29 vsrc2=0 vlen=336 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=0  # 42
vec vop=2 vkind=0 vdst=29 vsrc1=29 vsrc2=27 vlen=336 vbmode=1 vlane=2 vswap=0 vrot=0 vimm=0  # 43
vec vop=2 vkind=0 vdst=29 vsrc1=29 vsrc2=0 vlen=336 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=1015188672 push_st  # 44
store sram=116 dram=0x391600 rows=1 row_beats=21 stride=0 vsp pop_vu push_vu  # 45
load wgt sram=16 dram=0x115400 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 46
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=0 tokens=3 woff=4 pop_ld push_ld  # 47
load wgt sram=32 dram=0x115800 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 48
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=3 tokens=3 woff=0 pop_ld push_ld  # 49
load wgt sram=48 dram=0x115c00 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 50
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=6 tokens=3 woff=4 pop_ld push_ld  # 51
load wgt sram=0 dram=0x116000 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 52
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=9 tokens=3 woff=0 pop_ld push_ld  # 53
load wgt sram=16 dram=0x116400 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 54
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=12 tokens=3 woff=4 pop_ld push_ld  # 55
load wgt sram=32 dram=0x116800 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 56
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=15 tokens=3 woff=0 pop_ld push_ld  # 57
load wgt sram=48 dram=0x116c00 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 58
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=18 tokens=3 woff=4 pop_ld push_ld  # 59
load wgt sram=0 dram=0x117000 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 60
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=21 tokens=3 woff=0 pop_ld push_ld  # 61
load wgt sram=16 dram=0x117400 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 62
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=24 tokens=3 woff=4 pop_ld push_ld  # 63
