load vsp sram=0 dram=0x1d0000 rows=1 row_beats=100 stride=0  # 0
load vsp sram=116 dram=0x210000 rows=1 row_beats=16 stride=0 push_vu  # 1
load wgt sram=0 dram=0x10000 rows=1 row_beats=16 stride=0 push_ex  # 2
load wgt sram=16 dram=0x10400 rows=1 row_beats=16 stride=0 push_ex  # 3
load wgt sram=32 dram=0x10800 rows=1 row_beats=16 stride=0 push_ex  # 4
load wgt sram=48 dram=0x10c00 rows=1 row_beats=16 stride=0 push_ex  # 5
vec vop=0 vkind=1 vdst=33 vsrc1=29 vsrc2=29 vlen=256 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0 pop_ld  # 6
vec vop=2 vkind=0 vdst=34 vsrc1=33 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=998244352  # 7
vec vop=0 vkind=0 vdst=35 vsrc1=34 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=925353388  # 8
vec vop=12 vkind=0 vdst=40 vsrc1=35 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=1  # 9
vec vop=11 vkind=0 vdst=40 vsrc1=40 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1597463007  # 10
vec vop=2 vkind=0 vdst=41 vsrc1=35 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=1056964608  # 11
vec vop=2 vkind=0 vdst=42 vsrc1=40 vsrc2=40 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 12
vec vop=2 vkind=0 vdst=42 vsrc1=41 vsrc2=42 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 13
vec vop=1 vkind=0 vdst=42 vsrc1=42 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1069547520  # 14
vec vop=2 vkind=0 vdst=42 vsrc1=40 vsrc2=42 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 15
vec vop=2 vkind=0 vdst=40 vsrc1=42 vsrc2=42 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 16
vec vop=2 vkind=0 vdst=40 vsrc1=41 vsrc2=40 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 17
vec vop=1 vkind=0 vdst=40 vsrc1=40 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1069547520  # 18
vec vop=2 vkind=0 vdst=40 vsrc1=42 vsrc2=40 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 19
vec vop=2 vkind=0 vdst=42 vsrc1=40 vsrc2=40 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 20
vec vop=2 vkind=0 vdst=42 vsrc1=41 vsrc2=42 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 21
vec vop=1 vkind=0 vdst=42 vsrc1=42 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1069547520  # 22
vec vop=2 vkind=0 vdst=42 vsrc1=40 vsrc2=42 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 23
vec vop=14 vkind=0 vdst=40 vsrc1=42 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=4294967295  # 24
vec vop=2 vkind=0 vdst=36 vsrc1=29 vsrc2=40 vlen=256 vbmode=1 vlane=0 vswap=0 vrot=0 vimm=0  # 25
vec vop=2 vkind=0 vdst=36 vsrc1=36 vsrc2=0 vlen=256 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 26
vec vop=5 vkind=0 vdst=41 vsrc1=36 vsrc2=0 vlen=256 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=0  # 27
vec vop=0 vkind=2 vdst=45 vsrc1=41 vsrc2=0 vlen=256 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=925353388  # 28
vec vop=12 vkind=0 vdst=47 vsrc1=45 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=1  # 29
vec vop=11 vkind=0 vdst=47 vsrc1=47 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1597463007  # 30
vec vop=2 vkind=0 vdst=48 vsrc1=45 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=1056964608  # 31
vec vop=2 vkind=0 vdst=49 vsrc1=47 vsrc2=47 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 32
vec vop=2 vkind=0 vdst=49 vsrc1=48 vsrc2=49 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 33
vec vop=1 vkind=0 vdst=49 vsrc1=49 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1069547520  # 34
vec vop=2 vkind=0 vdst=49 vsrc1=47 vsrc2=49 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 35
vec vop=2 vkind=0 vdst=47 vsrc1=49 vsrc2=49 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 36
vec vop=2 vkind=0 vdst=47 vsrc1=48 vsrc2=47 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 37
vec vop=1 vkind=0 vdst=47 vsrc1=47 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1069547520  # 38
vec vop=2 vkind=0 vdst=47 vsrc1=49 vsrc2=47 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 39
vec vop=2 vkind=0 vdst=49 vsrc1=47 vsrc2=47 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 40
vec vop=2 vkind=0 vdst=49 vsrc1=48 vsrc2=49 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 41
vec vop=1 vkind=0 vdst=49 vsrc1=49 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1069547520  # 42
vec vop=2 vkind=0 vdst=49 vsrc1=47 vsrc2=49 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 43
vec vop=2 vkind=0 vdst=49 vsrc1=49 vsrc2=49 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 44
vec vop=2 vkind=0 vdst=47 vsrc1=45 vsrc2=49 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 45
vec vop=1 vkind=0 vdst=47 vsrc1=47 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1073741824  # 46
vec vop=2 vkind=0 vdst=47 vsrc1=49 vsrc2=47 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 47
vec vop=2 vkind=0 vdst=46 vsrc1=47 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1123942400  # 48
vec vop=2 vkind=0 vdst=41 vsrc1=36 vsrc2=46 vlen=256 vbmode=1 vlane=0 vswap=0 vrot=0 vimm=0  # 49
vec vop=7 vkind=0 vdst=41 vsrc1=41 vsrc2=0 vlen=256 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=0  # 50
vec vop=18 vkind=0 vdst=41 vsrc1=41 vsrc2=0 vlen=256 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=0  # 51
vec vop=0 vkind=4 vdst=0 vsrc1=41 vsrc2=0 vlen=256 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0 push_ex  # 52
vec vop=0 vkind=1 vdst=25 vsrc1=45 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=1006699012  # 53
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=0 tokens=1 woff=0 pop_ld pop_vu push_ld  # 54
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=1 tokens=1 woff=4 pop_ld push_ld  # 55
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=2 tokens=1 woff=0 pop_ld push_ld  # 56
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=3 tokens=1 woff=4 pop_ld push_ld  # 57
load wgt sram=0 dram=0x11000 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 58
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=4 tokens=1 woff=0 pop_ld push_ld  # 59
load wgt sram=16 dram=0x11400 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 60
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=5 tokens=1 woff=4 pop_ld push_ld  # 61
load wgt sram=32 dram=0x11800 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 62
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=6 tokens=1 woff=0 pop_ld push_ld  # 63
