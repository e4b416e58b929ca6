vec vop=2 vkind=0 vdst=74 vsrc1=72 vsrc2=72 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 0
vec vop=2 vkind=0 vdst=74 vsrc1=73 vsrc2=74 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 1
vec vop=1 vkind=0 vdst=74 vsrc1=74 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1069547520  # 2
vec vop=2 vkind=0 vdst=74 vsrc1=72 vsrc2=74 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 3
vec vop=2 vkind=0 vdst=72 vsrc1=74 vsrc2=74 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 4
vec vop=2 vkind=0 vdst=72 vsrc1=73 vsrc2=72 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 5
vec vop=1 vkind=0 vdst=72 vsrc1=72 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1069547520  # 6
vec vop=2 vkind=0 vdst=72 vsrc1=74 vsrc2=72 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 7
vec vop=2 vkind=0 vdst=74 vsrc1=72 vsrc2=72 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 8
vec vop=2 vkind=0 vdst=74 vsrc1=73 vsrc2=74 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 9
vec vop=1 vkind=0 vdst=74 vsrc1=74 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1069547520  # 10
vec vop=2 vkind=0 vdst=74 vsrc1=72 vsrc2=74 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 11
vec vop=14 vkind=0 vdst=72 vsrc1=74 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=4294967295  # 12
vec vop=2 vkind=0 vdst=68 vsrc1=35 vsrc2=72 vlen=256 vbmode=1 vlane=0 vswap=0 vrot=0 vimm=0  # 13
vec vop=2 vkind=0 vdst=68 vsrc1=68 vsrc2=4 vlen=256 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 14
vec vop=5 vkind=0 vdst=73 vsrc1=68 vsrc2=0 vlen=256 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=0  # 15
vec vop=0 vkind=2 vdst=77 vsrc1=73 vsrc2=0 vlen=256 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=925353388  # 16
vec vop=12 vkind=0 vdst=79 vsrc1=77 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=1  # 17
vec vop=11 vkind=0 vdst=79 vsrc1=79 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1597463007  # 18
vec vop=2 vkind=0 vdst=80 vsrc1=77 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=1056964608  # 19
vec vop=2 vkind=0 vdst=81 vsrc1=79 vsrc2=79 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 20
vec vop=2 vkind=0 vdst=81 vsrc1=80 vsrc2=81 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 21
vec vop=1 vkind=0 vdst=81 vsrc1=81 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1069547520  # 22
vec vop=2 vkind=0 vdst=81 vsrc1=79 vsrc2=81 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 23
vec vop=2 vkind=0 vdst=79 vsrc1=81 vsrc2=81 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 24
vec vop=2 vkind=0 vdst=79 vsrc1=80 vsrc2=79 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 25
vec vop=1 vkind=0 vdst=79 vsrc1=79 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1069547520  # 26
vec vop=2 vkind=0 vdst=79 vsrc1=81 vsrc2=79 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 27
vec vop=2 vkind=0 vdst=81 vsrc1=79 vsrc2=79 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 28
vec vop=2 vkind=0 vdst=81 vsrc1=80 vsrc2=81 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 29
vec vop=1 vkind=0 vdst=81 vsrc1=81 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1069547520  # 30
vec vop=2 vkind=0 vdst=81 vsrc1=79 vsrc2=81 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 31
vec vop=2 vkind=0 vdst=81 vsrc1=81 vsrc2=81 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 32
vec vop=2 vkind=0 vdst=79 vsrc1=77 vsrc2=81 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 33
vec vop=1 vkind=0 vdst=79 vsrc1=79 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1073741824  # 34
vec vop=2 vkind=0 vdst=79 vsrc1=81 vsrc2=79 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 35
vec vop=2 vkind=0 vdst=78 vsrc1=79 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1123942400  # 36
vec vop=2 vkind=0 vdst=73 vsrc1=68 vsrc2=78 vlen=256 vbmode=1 vlane=0 vswap=0 vrot=0 vimm=0  # 37
vec vop=7 vkind=0 vdst=73 vsrc1=73 vsrc2=0 vlen=256 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=0  # 38
vec vop=18 vkind=0 vdst=73 vsrc1=73 vsrc2=0 vlen=256 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=0  # 39
vec vop=0 vkind=4 vdst=0 vsrc1=73 vsrc2=0 vlen=256 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0 push_ex  # 40
vec vop=0 vkind=1 vdst=26 vsrc1=77 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=1006699012  # 41
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=32 tokens=1 woff=0 pop_ld pop_vu push_ld  # 42
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=33 tokens=1 woff=4 pop_ld push_ld  # 43
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=34 tokens=1 woff=0 pop_ld push_ld  # 44
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=35 tokens=1 woff=4 pop_ld push_ld  # 45
load wgt sram=0 dram=0xd1000 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 46
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=36 tokens=1 woff=0 pop_ld push_ld  # 47
load wgt sram=16 dram=0xd1400 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 48
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=37 tokens=1 woff=4 pop_ld push_ld  # 49
load wgt sram=32 dram=0xd1800 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 50
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=38 tokens=1 woff=0 pop_ld push_ld  # 51
load wgt sram=48 dram=0xd1c00 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 52
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=39 tokens=1 woff=4 pop_ld push_ld  # 53
load wgt sram=0 dram=0xd2000 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 54
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=40 tokens=1 woff=0 pop_ld push_ld  # 55
load wgt sram=16 dram=0xd2400 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 56
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=41 tokens=1 woff=4 pop_ld push_ld  # 57
load wgt sram=32 dram=0xd2800 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 58
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=42 tokens=1 woff=0 pop_ld push_ld  # 59
load wgt sram=48 dram=0xd2c00 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 60
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=43 tokens=1 woff=4 pop_ld push_ld  # 61
load wgt sram=0 dram=0xd3000 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 62
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=44 tokens=1 woff=0 pop_ld push_ld  # 63
