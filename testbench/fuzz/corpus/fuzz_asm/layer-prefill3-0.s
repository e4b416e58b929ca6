load vsp sram=0 dram=0x1d0000 rows=1 row_beats=100 stride=0  # 0
load vsp sram=116 dram=0x210000 rows=1 row_beats=16 stride=0 push_vu  # 1
vec vop=0 vkind=1 vdst=33 vsrc1=29 vsrc2=29 vlen=256 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0 pop_ld  # 2
vec vop=2 vkind=0 vdst=34 vsrc1=33 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=998244352  # 3
vec vop=0 vkind=0 vdst=35 vsrc1=34 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=925353388  # 4
vec vop=12 vkind=0 vdst=40 vsrc1=35 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=1  # 5
vec vop=11 vkind=0 vdst=40 vsrc1=40 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1597463007  # 6
vec vop=2 vkind=0 vdst=41 vsrc1=35 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=1056964608  # 7
vec vop=2 vkind=0 vdst=42 vsrc1=40 vsrc2=40 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 8
vec vop=2 vkind=0 vdst=42 vsrc1=41 vsrc2=42 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 9
vec vop=1 vkind=0 vdst=42 vsrc1=42 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1069547520  # 10
vec vop=2 vkind=0 vdst=42 vsrc1=40 vsrc2=42 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 11
vec vop=2 vkind=0 vdst=40 vsrc1=42 vsrc2=42 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 12
vec vop=2 vkind=0 vdst=40 vsrc1=41 vsrc2=40 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 13
vec vop=1 vkind=0 vdst=40 vsrc1=40 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1069547520  # 14
vec vop=2 vkind=0 vdst=40 vsrc1=42 vsrc2=40 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 15
vec vop=2 vkind=0 vdst=42 vsrc1=40 vsrc2=40 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 16
vec vop=2 vkind=0 vdst=42 vsrc1=41 vsrc2=42 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 17
vec vop=1 vkind=0 vdst=42 vsrc1=42 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1069547520  # 18
vec vop=2 vkind=0 vdst=42 vsrc1=40 vsrc2=42 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 19
vec vop=14 vkind=0 vdst=40 vsrc1=42 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=4294967295  # 20
vec vop=2 vkind=0 vdst=36 vsrc1=29 vsrc2=40 vlen=256 vbmode=1 vlane=0 vswap=0 vrot=0 vimm=0 push_ld  # 21
vec vop=2 vkind=0 vdst=36 vsrc1=36 vsrc2=0 vlen=256 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 22
vec vop=5 vkind=0 vdst=41 vsrc1=36 vsrc2=0 vlen=256 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=0  # 23
vec vop=0 vkind=2 vdst=45 vsrc1=41 vsrc2=0 vlen=256 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=925353388  # 24
vec vop=12 vkind=0 vdst=47 vsrc1=45 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=1  # 25
vec vop=11 vkind=0 vdst=47 vsrc1=47 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1597463007  # 26
vec vop=2 vkind=0 vdst=48 vsrc1=45 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=1056964608  # 27
vec vop=2 vkind=0 vdst=49 vsrc1=47 vsrc2=47 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 28
vec vop=2 vkind=0 vdst=49 vsrc1=48 vsrc2=49 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 29
vec vop=1 vkind=0 vdst=49 vsrc1=49 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1069547520  # 30
vec vop=2 vkind=0 vdst=49 vsrc1=47 vsrc2=49 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 31
vec vop=2 vkind=0 vdst=47 vsrc1=49 vsrc2=49 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 32
vec vop=2 vkind=0 vdst=47 vsrc1=48 vsrc2=47 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 33
vec vop=1 vkind=0 vdst=47 vsrc1=47 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1069547520  # 34
vec vop=2 vkind=0 vdst=47 vsrc1=49 vsrc2=47 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 35
vec vop=2 vkind=0 vdst=49 vsrc1=47 vsrc2=47 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 36
vec vop=2 vkind=0 vdst=49 vsrc1=48 vsrc2=49 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 37
vec vop=1 vkind=0 vdst=49 vsrc1=49 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1069547520  # 38
vec vop=2 vkind=0 vdst=49 vsrc1=47 vsrc2=49 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 39
vec vop=2 vkind=0 vdst=49 vsrc1=49 vsrc2=49 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 40
vec vop=2 vkind=0 vdst=47 vsrc1=45 vsrc2=49 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 41
vec vop=1 vkind=0 vdst=47 vsrc1=47 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1073741824  # 42
vec vop=2 vkind=0 vdst=47 vsrc1=49 vsrc2=47 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 43
vec vop=2 vkind=0 vdst=46 vsrc1=47 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1123942400  # 44
vec vop=2 vkind=0 vdst=41 vsrc1=36 vsrc2=46 vlen=256 vbmode=1 vlane=0 vswap=0 vrot=0 vimm=0  # 45
vec vop=7 vkind=0 vdst=41 vsrc1=41 vsrc2=0 vlen=256 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=0  # 46
vec vop=18 vkind=0 vdst=41 vsrc1=41 vsrc2=0 vlen=256 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=0  # 47
vec vop=0 vkind=4 vdst=0 vsrc1=41 vsrc2=0 vlen=256 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 48
vec vop=0 vkind=1 vdst=25 vsrc1=45 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=1006699012  # 49
load vsp sram=1080 dram=0x210400 rows=1 row_beats=16 stride=0 push_vu  # 50
vec vop=0 vkind=1 vdst=274 vsrc1=270 vsrc2=270 vlen=256 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0 pop_ld  # 51
vec vop=2 vkind=0 vdst=275 vsrc1=274 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=998244352  # 52
vec vop=0 vkind=0 vdst=276 vsrc1=275 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=925353388  # 53
vec vop=12 vkind=0 vdst=281 vsrc1=276 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=1  # 54
vec vop=11 vkind=0 vdst=281 vsrc1=281 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1597463007  # 55
vec vop=2 vkind=0 vdst=282 vsrc1=276 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=0 vrot=0 vimm=1056964608  # 56
vec vop=2 vkind=0 vdst=283 vsrc1=281 vsrc2=281 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 57
vec vop=2 vkind=0 vdst=283 vsrc1=282 vsrc2=283 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 58
vec vop=1 vkind=0 vdst=283 vsrc1=283 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1069547520  # 59
vec vop=2 vkind=0 vdst=283 vsrc1=281 vsrc2=283 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 60
vec vop=2 vkind=0 vdst=281 vsrc1=283 vsrc2=283 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 61
vec vop=2 vkind=0 vdst=281 vsrc1=282 vsrc2=281 vlen=1 vbmode=0 vlane=0 vswap=0 vrot=0 vimm=0  # 62
vec vop=1 vkind=0 vdst=281 vsrc1=281 vsrc2=0 vlen=1 vbmode=2 vlane=0 vswap=1 vrot=0 vimm=1069547520  # 63
