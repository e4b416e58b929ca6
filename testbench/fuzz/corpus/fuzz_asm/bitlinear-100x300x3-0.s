load act sram=0 dram=0x80000 rows=3 row_beats=5 stride=320  # 0
load wgt sram=0 dram=0x10000 rows=1 row_beats=20 stride=0 push_ex  # 1
matmul wbuf=0 acc=0 depth=5 act=0 act_stride=5 out=0 tokens=3 woff=0 pop_ld push_ld push_st  # 2
store sram=0 dram=0xa0000 rows=3 row_beats=1 stride=448 pop_ex push_ex  # 3
load wgt sram=32 dram=0x10500 rows=1 row_beats=20 stride=0 push_ex  # 4
matmul wbuf=1 acc=0 depth=5 act=0 act_stride=5 out=64 tokens=3 woff=0 pop_ld push_ld push_st  # 5
store sram=64 dram=0xa0040 rows=3 row_beats=1 stride=448 pop_ex push_ex  # 6
load wgt sram=0 dram=0x10a00 rows=1 row_beats=20 stride=0 pop_ex push_ex  # 7
matmul wbuf=0 acc=0 depth=5 act=0 act_stride=5 out=0 tokens=3 woff=0 pop_ld pop_st push_ld push_st  # 8
store sram=0 dram=0xa0080 rows=3 row_beats=1 stride=448 pop_ex push_ex  # 9
load wgt sram=32 dram=0x10f00 rows=1 row_beats=20 stride=0 pop_ex push_ex  # 10
matmul wbuf=1 acc=0 depth=5 act=0 act_stride=5 out=64 tokens=3 woff=0 pop_ld pop_st push_ld push_st  # 11
store sram=64 dram=0xa00c0 rows=3 row_beats=1 stride=448 pop_ex push_ex  # 12
load wgt sram=0 dram=0x11400 rows=1 row_beats=20 stride=0 pop_ex push_ex  # 13
matmul wbuf=0 acc=0 depth=5 act=0 act_stride=5 out=0 tokens=3 woff=0 pop_ld pop_st push_ld push_st  # 14
store sram=0 dram=0xa0100 rows=3 row_beats=1 stride=448 pop_ex push_ex  # 15
load wgt sram=32 dram=0x11900 rows=1 row_beats=20 stride=0 pop_ex push_ex  # 16
matmul wbuf=1 acc=0 depth=5 act=0 act_stride=5 out=64 tokens=3 woff=0 pop_ld pop_st push_st  # 17
store sram=64 dram=0xa0140 rows=3 row_beats=1 stride=448 pop_ex  # 18
load wgt sram=0 dram=0x11e00 rows=1 row_beats=20 stride=0 pop_ex push_ex  # 19
matmul wbuf=0 acc=0 depth=5 act=0 act_stride=5 out=0 tokens=3 woff=0 pop_ld pop_st push_st  # 20
store sram=0 dram=0xa0180 rows=3 row_beats=1 stride=448 pop_ex  # 21
finish  # 22
