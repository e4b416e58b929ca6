load wgt sram=0 dram=0x150000 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 0
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=0 tokens=1 woff=0 pop_ld push_ld  # 1
load wgt sram=16 dram=0x150400 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 2
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=1 tokens=1 woff=4 pop_ld push_ld  # 3
load wgt sram=32 dram=0x150800 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 4
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=2 tokens=1 woff=0 pop_ld push_ld  # 5
load wgt sram=48 dram=0x150c00 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 6
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=3 tokens=1 woff=4 pop_ld push_ld  # 7
load wgt sram=0 dram=0x151000 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 8
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=4 tokens=1 woff=0 pop_ld push_ld  # 9
load wgt sram=16 dram=0x151400 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 10
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=5 tokens=1 woff=4 pop_ld push_ld  # 11
load wgt sram=32 dram=0x151800 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 12
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=6 tokens=1 woff=0 pop_ld push_ld  # 13
load wgt sram=48 dram=0x151c00 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 14
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=7 tokens=1 woff=4 pop_ld push_ld  # 15
load wgt sram=0 dram=0x152000 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 16
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=8 tokens=1 woff=0 pop_ld push_ld  # 17
load wgt sram=16 dram=0x152400 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 18
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=9 tokens=1 woff=4 pop_ld push_ld  # 19
load wgt sram=32 dram=0x152800 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 20
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=10 tokens=1 woff=0 pop_ld push_ld  # 21
load wgt sram=48 dram=0x152c00 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 22
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=11 tokens=1 woff=4 pop_ld push_ld  # 23
load wgt sram=0 dram=0x153000 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 24
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=12 tokens=1 woff=0 pop_ld push_ld  # 25
load wgt sram=16 dram=0x153400 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 26
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=13 tokens=1 woff=4 pop_ld push_ld  # 27
load wgt sram=32 dram=0x153800 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 28
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=14 tokens=1 woff=0 pop_ld push_ld  # 29
load wgt sram=48 dram=0x153c00 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 30
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=15 tokens=1 woff=4 pop_ld push_ld  # 31
load wgt sram=0 dram=0x154000 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 32
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=16 tokens=1 woff=0 pop_ld push_ld  # 33
load wgt sram=16 dram=0x154400 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 34
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=17 tokens=1 woff=4 pop_ld push_ld  # 35
load wgt sram=32 dram=0x154800 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 36
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=18 tokens=1 woff=0 pop_ld push_ld  # 37
load wgt sram=48 dram=0x154c00 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 38
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=19 tokens=1 woff=4 pop_ld push_ld  # 39
load wgt sram=0 dram=0x155000 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 40
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=20 tokens=1 woff=0 pop_ld push_ld  # 41
load wgt sram=16 dram=0x155400 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 42
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=21 tokens=1 woff=4 pop_ld push_ld  # 43
load wgt sram=32 dram=0x155800 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 44
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=22 tokens=1 woff=0 pop_ld push_ld  # 45
load wgt sram=48 dram=0x155c00 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 46
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=23 tokens=1 woff=4 pop_ld push_ld  # 47
load wgt sram=0 dram=0x156000 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 48
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=24 tokens=1 woff=0 pop_ld push_ld  # 49
load wgt sram=16 dram=0x156400 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 50
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=25 tokens=1 woff=4 pop_ld push_ld  # 51
load wgt sram=32 dram=0x156800 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 52
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=26 tokens=1 woff=0 pop_ld push_ld  # 53
load wgt sram=48 dram=0x156c00 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 54
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=27 tokens=1 woff=4 pop_ld push_ld  # 55
load wgt sram=0 dram=0x157000 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 56
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=28 tokens=1 woff=0 pop_ld push_ld  # 57
load wgt sram=16 dram=0x157400 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 58
matmul wbuf=0 acc=0 depth=4 act=0 act_stride=4 out=29 tokens=1 woff=4 pop_ld push_ld  # 59
load wgt sram=32 dram=0x157800 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 60
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=30 tokens=1 woff=0 pop_ld push_ld  # 61
load wgt sram=48 dram=0x157c00 rows=1 row_beats=16 stride=0 pop_ex push_ex  # 62
matmul wbuf=1 acc=0 depth=4 act=0 act_stride=4 out=31 tokens=1 woff=4 pop_ld push_ld  # 63
