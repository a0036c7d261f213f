"""Static reference data of the generator: brands, categories, product series,
set recipes, co-purchase affinities, customer profiles, provinces and names.

Everything here is plain data; ``generate.py`` draws from it with a seeded
``random.Random`` so that the same seed always yields the same catalogue.
"""

# ---------------------------------------------------------------------------
# Brands (code, name, English name, country code)
# ---------------------------------------------------------------------------
# fmt: off
BRANDS = [
    ("HOUSE", "本厂成套", "House brand", "CN"), ("CHINT", "正泰", "CHINT", "CN"),
    ("DELIXI", "德力西", "DELIXI", "CN"), ("SCHNEIDER", "施耐德", "Schneider Electric", "FR"),
    ("ABB", "ABB", "ABB", "CH"), ("SIEMENS", "西门子", "Siemens", "DE"), ("NADER", "良信", "Nader", "CN"),
    ("PEOPLE", "人民电器", "People Electric", "CN"), ("TENGEN", "天正", "TENGEN", "CN"),
    ("XJ", "许继", "XJ Electric", "CN"), ("HOLLEY", "华立", "Holley", "CN"), ("DAQO", "大全", "Daqo", "CN"),
]
# fmt: on

# Vendor (manufacturer / distributor) per brand code: name, English name, province
# fmt: off
BRAND_VENDORS = {
    "HOUSE": ("江苏华能成套电气制造有限公司", "Jiangsu Huaneng Switchgear Manufacturing Co., Ltd.", "苏"),
    "CHINT": ("浙江正泰电器股份有限公司", "Zhejiang CHINT Electrics Co., Ltd.", "浙"),
    "DELIXI": ("德力西电气有限公司", "DELIXI Electric Ltd.", "浙"),
    "SCHNEIDER": ("施耐德电气(中国)有限公司", "Schneider Electric (China) Co., Ltd.", "京"),
    "ABB": ("ABB(中国)有限公司", "ABB (China) Ltd.", "京"),
    "SIEMENS": ("西门子(中国)有限公司", "Siemens Ltd., China", "京"),
    "NADER": ("上海良信电器股份有限公司", "Shanghai Nader Electric Co., Ltd.", "沪"),
    "PEOPLE": ("人民电器集团有限公司", "People Electric Appliance Group Co., Ltd.", "浙"),
    "TENGEN": ("天正电气股份有限公司", "TENGEN Electric Co., Ltd.", "浙"),
    "XJ": ("许继电气股份有限公司", "XJ Electric Co., Ltd.", "豫"),
    "HOLLEY": ("华立科技股份有限公司", "Holley Technology Ltd.", "浙"),
    "DAQO": ("大全集团有限公司", "Daqo Group Co., Ltd.", "苏"),
}
# fmt: on

# ---------------------------------------------------------------------------
# Product categories: key -> (parent key, name)
# ---------------------------------------------------------------------------
# fmt: off
CATEGORIES = {
    "sets": (None, "成套设备 Complete sets"), "hv_switchgear": ("sets", "高压开关柜 HV switchgear"),
    "rmu": ("sets", "环网柜 Ring main units"), "lv_switchgear": ("sets", "低压开关柜 LV switchgear"),
    "box_substation": ("sets", "箱式变电站 Box substations"),
    "distribution_box": ("sets", "配电箱 Distribution boxes"), "dc_panel": ("sets", "直流屏 DC panels"),
    "components": (None, "元器件 Components"), "vcb": ("components", "真空断路器 Vacuum circuit breakers"),
    "load_switch": ("components", "负荷开关 Load-break switches"),
    "acb": ("components", "框架断路器 Air circuit breakers"),
    "mccb": ("components", "塑壳断路器 Moulded-case breakers"),
    "mcb": ("components", "微型断路器 Miniature breakers"), "contactor": ("components", "接触器 Contactors"),
    "thermal_relay": ("components", "热继电器 Thermal relays"),
    "ct": ("components", "互感器 Instrument transformers"), "arrester": ("components", "避雷器 Surge arresters"),
    "fuse": ("components", "熔断器 Fuses"), "meter": ("components", "电能表 Energy meters"),
    "protection": ("components", "综合保护装置 Protection relays"),
    "indicator": ("components", "带电显示器 Live-line indicators"),
    "capacitor": ("components", "电容器 Capacitors"),
    "var_controller": ("components", "无功补偿控制器 VAR controllers"),
    "isolator": ("components", "隔离开关 Isolating switches"),
    "transformer": ("components", "变压器 Transformers"),
    "ats": ("components", "双电源开关 Automatic transfer switches"),
    "spd": ("components", "浪涌保护器 Surge protective devices"),
    "cable_acc": ("components", "电缆附件 Cable accessories"),
}
# fmt: on

# ---------------------------------------------------------------------------
# Complete-set series.  functions: (code, name, price factor)
# ---------------------------------------------------------------------------
# fmt: off
HV_FUNCTIONS = [
    ("JX", "进线柜", 1.15), ("CX", "出线柜", 1.0), ("JL", "计量柜", 0.9), ("PT", "PT柜", 0.85), ("LL", "联络柜", 1.1),
    ("GL", "隔离柜", 0.7), ("BY", "变压器柜", 1.05), ("DR", "电容器柜", 1.2),
]
# fmt: on
# fmt: off
LV_FUNCTIONS = [
    ("JX", "进线柜", 1.2), ("CX", "馈线柜", 1.0), ("BC", "电容补偿柜", 1.1), ("LL", "母联柜", 1.05), ("DL", "动力柜", 0.95),
    ("ZM", "照明柜", 0.8),
]
# fmt: on
# fmt: off
BOX_FUNCTIONS = [
    ("XB", "欧式箱变", 1.0), ("MB", "美式箱变", 0.85), ("ZN", "智能箱变", 1.25),
]
# fmt: on
# fmt: off
DB_FUNCTIONS = [
    ("DL", "动力配电", 1.0), ("ZM", "照明配电", 0.8), ("JL", "计量", 0.9), ("ZH", "综合配电", 1.2),
]
# fmt: on

# SET_SERIES: one dict per series: series, category key, title, enclosure type, rated
# kV, IP rating, (width, depth, height) mm, functions, ratings (A, or kVA when
# kva=True), breaking capacities (kA), base price, weight (kg), lead time (days),
# brands, set recipe (RECIPES), share of the generated sets.
# fmt: off
SET_SERIES = [
    dict(series="KYN28A-12", categ="hv_switchgear", title="中置式金属铠装开关柜", enclosure="withdrawable", kv=12,
         ip="IP4X", dims=(800, 1500, 2300),
         functions=HV_FUNCTIONS,
         ratings=[630, 1250, 1600, 2500, 3150], breaking=[25, 31.5, 40], price=68000, weight=1100, lead=30,
         brands=["HOUSE", "DAQO"], recipe="hv_cabinet", share=14),
    dict(series="KYN61-40.5", categ="hv_switchgear", title="铠装移开式交流金属封闭开关柜", enclosure="withdrawable",
         kv=40.5, ip="IP4X", dims=(1400, 2800, 2600),
         functions=HV_FUNCTIONS,
         ratings=[1250, 1600, 2500], breaking=[25, 31.5], price=185000, weight=2100, lead=45,
         brands=["HOUSE"], recipe="hv_cabinet", share=5),
    dict(series="XGN66-12", categ="hv_switchgear", title="箱型固定式金属封闭开关柜", enclosure="fixed", kv=12,
         ip="IP3X", dims=(1100, 1200, 2650),
         functions=HV_FUNCTIONS,
         ratings=[630, 1250], breaking=[20, 25, 31.5], price=52000, weight=950, lead=25, brands=["HOUSE"],
         recipe="hv_cabinet", share=7),
    dict(series="XGN15-12", categ="rmu", title="SF6环网柜", enclosure="ring_main", kv=12, ip="IP3X",
         dims=(500, 980, 1800),
         functions=HV_FUNCTIONS[:4],
         ratings=[630], breaking=[20, 25], price=36000, weight=420, lead=20,
         brands=["HOUSE", "SCHNEIDER", "ABB"], recipe="rmu", share=7),
    dict(series="HXGN17-12", categ="rmu", title="交流金属封闭环网柜", enclosure="ring_main", kv=12, ip="IP3X",
         dims=(750, 900, 1900),
         functions=HV_FUNCTIONS[:4],
         ratings=[630], breaking=[20], price=28000, weight=380, lead=20, brands=["HOUSE"], recipe="rmu",
         share=6),
    dict(series="GGD2", categ="lv_switchgear", title="交流低压固定式配电柜", enclosure="fixed", kv=0.4, ip="IP30",
         dims=(800, 600, 2200),
         functions=LV_FUNCTIONS,
         ratings=[400, 630, 1000, 1600, 2500], breaking=[15, 30, 50], price=21000, weight=450, lead=15,
         brands=["HOUSE", "DAQO"], recipe="lv_cabinet", share=12),
    dict(series="GCS", categ="lv_switchgear", title="低压抽出式开关柜", enclosure="drawout", kv=0.4, ip="IP40",
         dims=(800, 800, 2200),
         functions=LV_FUNCTIONS,
         ratings=[630, 1600, 2500, 3150, 4000], breaking=[50, 65, 80], price=42000, weight=620, lead=20,
         brands=["HOUSE", "DAQO"], recipe="lv_cabinet", share=11),
    dict(series="MNS", categ="lv_switchgear", title="低压抽出式成套开关设备", enclosure="drawout", kv=0.4, ip="IP40",
         dims=(600, 1000, 2200),
         functions=LV_FUNCTIONS,
         ratings=[630, 1600, 2500, 4000, 5000], breaking=[50, 80, 100], price=51000, weight=680, lead=25,
         brands=["HOUSE", "ABB"], recipe="lv_cabinet", share=9),
    dict(series="GCK", categ="lv_switchgear", title="低压抽出式开关柜", enclosure="drawout", kv=0.4, ip="IP40",
         dims=(1000, 600, 2200),
         functions=LV_FUNCTIONS,
         ratings=[630, 1600, 2500, 3150], breaking=[50], price=38000, weight=600, lead=20, brands=["HOUSE"],
         recipe="lv_cabinet", share=5),
    dict(series="YB27-12/0.4", categ="box_substation", title="预装式变电站", enclosure="prefab", kv=12, ip="IP54",
         dims=(3800, 2400, 2600),
         functions=BOX_FUNCTIONS,
         ratings=[200, 315, 400, 500, 630, 800, 1000, 1250, 1600, 2000], breaking=[20], price=230000,
         weight=6500, lead=40, brands=["HOUSE"], recipe="box_substation", share=10, kva=True),
    dict(series="ZGS11-12", categ="box_substation", title="组合式变压器(美式箱变)", enclosure="prefab", kv=12,
         ip="IP54", dims=(2200, 1800, 2000), functions=BOX_FUNCTIONS[:2],
         ratings=[100, 200, 315, 400, 500, 630, 800, 1000, 1250], breaking=[20], price=160000, weight=4200,
         lead=35, brands=["HOUSE"], recipe="box_substation", share=6, kva=True),
    dict(series="JP", categ="distribution_box", title="低压综合配电箱(JP柜)", enclosure="outdoor", kv=0.4,
         ip="IP44", dims=(1350, 700, 1200),
         functions=DB_FUNCTIONS,
         ratings=[100, 200, 400, 630], breaking=[25, 35], price=16000, weight=180, lead=12,
         brands=["HOUSE"], recipe="jp_box", share=6),
    dict(series="XL-21", categ="distribution_box", title="动力配电柜", enclosure="floor", kv=0.4, ip="IP30",
         dims=(600, 450, 1700),
         functions=DB_FUNCTIONS,
         ratings=[100, 160, 250, 400, 630], breaking=[15, 25], price=6800, weight=120, lead=10,
         brands=["HOUSE"], recipe="small_box", share=7),
    dict(series="PZ30", categ="distribution_box", title="终端照明配电箱", enclosure="wall", kv=0.23, ip="IP30",
         dims=(400, 100, 300), functions=DB_FUNCTIONS[:2],
         ratings=[32, 63, 100, 125], breaking=[6, 10], price=680, weight=8, lead=5,
         brands=["HOUSE", "CHINT"], recipe="lighting_box", share=6),
    dict(series="XM", categ="distribution_box", title="计量箱", enclosure="wall", kv=0.4, ip="IP43",
         dims=(600, 200, 800),
         functions=[("DB", "单表位", 0.7), ("SB", "四表位", 1.0), ("LB", "六表位", 1.3), ("JB", "九表位", 1.7)],
         ratings=[40, 60, 100], breaking=[6], price=1500, weight=25, lead=7, brands=["HOUSE"],
         recipe="meter_box", share=4),
    dict(series="GZDW", categ="dc_panel", title="直流电源屏", enclosure="fixed", kv=0.22, ip="IP30",
         dims=(800, 600, 2260), functions=[("CD", "充电屏", 1.0), ("KX", "馈线屏", 0.7), ("DC", "电池屏", 1.2)],
         ratings=[40, 65, 100, 200], breaking=[10], price=48000, weight=520, lead=25,
         brands=["HOUSE", "XJ"], recipe="dc_panel", share=4),
]
# fmt: on

# ---------------------------------------------------------------------------
# Component series: ratings are A (or kVA for transformers, kvar for capacitors)
# ---------------------------------------------------------------------------
# COMPONENT_SERIES: series, category key, title, brand, rated kV, ratings, variants
# and poles (each combination is a product, times the OPTIONS of generate.py),
# base price, weight (kg), share of the generated components.
# fmt: off
COMPONENT_SERIES = [
    dict(series="VS1-12", categ="vcb", title="户内高压真空断路器", brand="HOUSE", kv=12,
         ratings=[630, 1250, 1600, 2000, 2500, 3150, 4000], variants=["20kA", "25kA", "31.5kA", "40kA"],
         poles=["手车式", "固定式"], price=9800, weight=120, enclosure="withdrawable", share=5),
    dict(series="ZN63A-12", categ="vcb", title="户内高压真空断路器", brand="PEOPLE", kv=12,
         ratings=[630, 1250, 1600, 2500, 3150], variants=["25kA", "31.5kA"], poles=["手车式"], price=11500,
         weight=130, enclosure="withdrawable", share=3),
    dict(series="VD4-12", categ="vcb", title="中压真空断路器", brand="ABB", kv=12,
         ratings=[630, 1250, 1600, 2000, 2500], variants=["25kA", "31.5kA", "40kA"], poles=["手车式"],
         price=26000, weight=125, enclosure="withdrawable", share=2),
    dict(series="FZN25-12", categ="load_switch", title="户内高压真空负荷开关", brand="HOUSE", kv=12, ratings=[630],
         variants=["D", "RD", "D/T"], poles=["左操", "右操"], price=3800, weight=45, share=2),
    dict(series="FLN36-12", categ="load_switch", title="SF6负荷开关", brand="DELIXI", kv=12, ratings=[630],
         variants=["D", "RD"], poles=["左操", "右操"], price=6200, weight=60, share=2),
    dict(series="NA1", categ="acb", title="万能式断路器", brand="CHINT", kv=0.4,
         ratings=[630, 800, 1000, 1250, 1600, 2000, 2500, 3200, 4000], variants=["-2000", "-3200", "-4000"],
         poles=["3P 抽屉式", "4P 抽屉式", "3P 固定式"], price=9000, weight=60, share=5),
    dict(series="CW1", categ="acb", title="智能型万能式断路器", brand="PEOPLE", kv=0.4,
         ratings=[630, 1000, 1600, 2000, 2500, 3200], variants=["-2000", "-3200"],
         poles=["3P 抽屉式", "4P 抽屉式"], price=8500, weight=58, share=3),
    dict(series="MT", categ="acb", title="Masterpact空气断路器", brand="SCHNEIDER", kv=0.4,
         ratings=[800, 1000, 1250, 1600, 2000, 2500, 3200, 4000], variants=["N1", "H1", "H2"],
         poles=["3P 抽屉式"], price=32000, weight=65, share=2),
    dict(series="NM1", categ="mccb", title="塑料外壳式断路器", brand="CHINT", kv=0.4,
         ratings=[16, 25, 32, 40, 50, 63, 80, 100, 125, 160, 200, 250, 315, 400, 500, 630],
         variants=["S", "H"], poles=["3P", "4P"], price=420, weight=2, share=7),
    dict(series="CDM3", categ="mccb", title="塑料外壳式断路器", brand="DELIXI", kv=0.4,
         ratings=[16, 25, 32, 40, 63, 100, 125, 160, 250, 400, 630], variants=["L", "M"],
         poles=["3P", "4P"], price=390, weight=2, share=5),
    dict(series="NDM3", categ="mccb", title="塑料外壳式断路器", brand="NADER", kv=0.4,
         ratings=[16, 32, 63, 100, 125, 160, 250, 400, 630, 800], variants=["L", "M", "H"],
         poles=["3P", "4P"], price=520, weight=2, share=4),
    dict(series="NXB-63", categ="mcb", title="小型断路器", brand="CHINT", kv=0.23,
         ratings=[1, 2, 3, 4, 6, 10, 16, 20, 25, 32, 40, 50, 63], variants=["C", "D"],
         poles=["1P", "2P", "3P", "4P"], price=22, weight=0.15, share=5),
    dict(series="DZ47s", categ="mcb", title="小型断路器", brand="DELIXI", kv=0.23,
         ratings=[1, 2, 3, 6, 10, 16, 20, 25, 32, 40, 50, 63], variants=["C", "D"],
         poles=["1P", "2P", "3P", "4P"], price=18, weight=0.15, share=4),
    dict(series="iC65N", categ="mcb", title="微型断路器", brand="SCHNEIDER", kv=0.23,
         ratings=[1, 2, 3, 4, 6, 10, 16, 20, 25, 32, 40, 50, 63], variants=["C", "D"],
         poles=["1P", "2P", "3P", "4P"], price=55, weight=0.15, share=3),
    dict(series="TGB1N-63", categ="mcb", title="小型断路器", brand="TENGEN", kv=0.23,
         ratings=[6, 10, 16, 20, 25, 32, 40, 50, 63], variants=["C"], poles=["1P", "2P", "3P", "4P"],
         price=16, weight=0.15, share=2),
    dict(series="CJX2", categ="contactor", title="交流接触器", brand="CHINT", kv=0.4,
         ratings=[9, 12, 18, 25, 32, 40, 50, 65, 80, 95], variants=["10", "01"],
         poles=["AC220V", "AC380V", "AC36V"], price=85, weight=0.6, share=5),
    dict(series="CJX2s", categ="contactor", title="交流接触器", brand="DELIXI", kv=0.4,
         ratings=[9, 12, 18, 25, 32, 38, 50, 65, 80, 95], variants=["10", "01"], poles=["AC220V", "AC380V"],
         price=78, weight=0.6, share=3),
    dict(series="LC1D", categ="contactor", title="TeSys交流接触器", brand="SCHNEIDER", kv=0.4,
         ratings=[9, 12, 18, 25, 32, 38, 40, 50, 65, 80, 95], variants=["M7C", "Q7C", "F7C"], poles=["3P"],
         price=260, weight=0.6, share=2),
    dict(series="NR2", categ="thermal_relay", title="热过载继电器", brand="CHINT", kv=0.4,
         ratings=[1, 2.5, 4, 6, 10, 13, 18, 25, 32, 40, 65, 93], variants=["-25", "-93"], poles=["Z"],
         price=68, weight=0.2, share=3),
    dict(series="JRS1Ds", categ="thermal_relay", title="热过载继电器", brand="DELIXI", kv=0.4,
         ratings=[1, 2.5, 4, 6, 10, 13, 18, 25, 32, 38], variants=["-25", "-38"], poles=["Z"], price=55,
         weight=0.2, share=2),
    dict(series="LZZBJ9-12", categ="ct", title="电流互感器", brand="HOUSE", kv=12,
         ratings=[50, 75, 100, 150, 200, 300, 400, 600, 800, 1000, 1250, 1500, 2000, 3000],
         variants=["0.2S/10P10", "0.5/10P20"], poles=["150b/4S"], price=850, weight=25, share=4),
    dict(series="BH-0.66", categ="ct", title="低压电流互感器", brand="CHINT", kv=0.66,
         ratings=[50, 75, 100, 150, 200, 300, 400, 500, 600, 800, 1000, 1200, 1500, 2000, 2500, 3000, 4000],
         variants=["0.5级", "0.2级"], poles=["30I", "40I", "60I", "80I"], price=65, weight=1.5, share=4),
    dict(series="JDZ10-10", categ="ct", title="电压互感器", brand="HOUSE", kv=10, ratings=[10],
         variants=["0.2/0.5/6P", "0.5/6P"], poles=["10/0.1kV", "10/√3/0.1/√3kV"], price=1600, weight=30,
         share=1),
    dict(series="HY5WZ", categ="arrester", title="氧化锌避雷器", brand="HOUSE", kv=17, ratings=[5],
         variants=["-17/45", "-12.7/45", "-51/134"], poles=["户内", "户外"], price=260, weight=3, share=1),
    dict(series="XRNT-12", categ="fuse", title="高压限流熔断器", brand="HOUSE", kv=12,
         ratings=[6.3, 10, 16, 20, 25, 31.5, 40, 50, 63, 80, 100, 125], variants=["50kA"],
         poles=["292", "442"], price=120, weight=1.2, share=2),
    dict(series="RT16", categ="fuse", title="低压熔断器(NT)", brand="CHINT", kv=0.5,
         ratings=[16, 20, 25, 32, 40, 50, 63, 80, 100, 125, 160, 200, 250, 315, 400, 500, 630],
         variants=["-00", "-1", "-2", "-3"], poles=["gG"], price=26, weight=0.3, share=3),
    dict(series="DTSD341", categ="meter", title="三相四线电子式多功能电能表", brand="HOLLEY", kv=0.4,
         ratings=[1.5, 5, 10, 20], variants=["0.5S", "1.0"], poles=["3×220/380V", "3×57.7/100V"], price=980,
         weight=1.2, share=2),
    dict(series="DTZY", categ="meter", title="三相费控智能电能表", brand="HOLLEY", kv=0.4, ratings=[5, 10, 20, 60],
         variants=["1级", "0.5S"], poles=["远程费控", "本地费控"], price=620, weight=1.2, share=2),
    dict(series="DDZY", categ="meter", title="单相费控智能电能表", brand="CHINT", kv=0.23, ratings=[5, 10, 20, 60],
         variants=["2级", "1级"], poles=["远程费控", "本地费控"], price=180, weight=0.6, share=2),
    dict(series="WXH-820", categ="protection", title="微机线路保护测控装置", brand="XJ", kv=12, ratings=[1, 5],
         variants=["A", "B", "C"], poles=["AC220V", "DC220V", "DC110V"], price=5200, weight=5, share=2),
    dict(series="WDZ-5200", categ="protection", title="微机综合保护装置", brand="XJ", kv=12, ratings=[1, 5],
         variants=["线路", "变压器", "电容器", "电动机"], poles=["DC220V", "DC110V"], price=6800, weight=5, share=2),
    dict(series="GSN", categ="indicator", title="高压带电显示器", brand="HOUSE", kv=12, ratings=[10],
         variants=["-10Q", "-10T", "-10/Q"], poles=["闭锁型", "普通型"], price=160, weight=0.5, share=1),
    dict(series="BSMJ0.45", categ="capacitor", title="自愈式并联电容器", brand="CHINT", kv=0.45,
         ratings=[5, 10, 15, 20, 25, 30, 40, 50], variants=["-3", "-1"], poles=["三相", "分相"], price=260,
         weight=6, share=2),
    dict(series="JKW58", categ="var_controller", title="无功功率自动补偿控制器", brand="CHINT", kv=0.4,
         ratings=[4, 6, 8, 10, 12], variants=["回路"], poles=["共补", "分补"], price=520, weight=1, share=1),
    dict(series="GN19-12", categ="isolator", title="户内高压隔离开关", brand="HOUSE", kv=12,
         ratings=[400, 630, 1000, 1250], variants=["C", "ST"], poles=["3P"], price=1300, weight=40, share=1),
    dict(series="HGL", categ="isolator", title="隔离开关", brand="CHINT", kv=0.4,
         ratings=[63, 100, 125, 160, 250, 400, 630, 1000, 1600], variants=["-", "Z"], poles=["3P", "4P"],
         price=300, weight=2, share=2),
    dict(series="S13-M", categ="transformer", title="油浸式电力变压器", brand="HOUSE", kv=10,
         ratings=[100, 200, 315, 400, 500, 630, 800, 1000, 1250, 1600, 2000], variants=["10/0.4kV"],
         poles=["Dyn11", "Yyn0"], price=58000, weight=2600, share=2, kva=True),
    dict(series="SCB13", categ="transformer", title="干式电力变压器", brand="DAQO", kv=10,
         ratings=[200, 315, 400, 500, 630, 800, 1000, 1250, 1600, 2000, 2500], variants=["10/0.4kV"],
         poles=["Dyn11"], price=82000, weight=2900, share=2, kva=True),
    dict(series="NZ7", categ="ats", title="双电源自动转换开关", brand="CHINT", kv=0.4,
         ratings=[63, 100, 125, 160, 250, 400, 630, 800, 1250, 1600], variants=["PC级", "CB级"],
         poles=["3P", "4P"], price=1800, weight=8, share=2),
    dict(series="NU6-II", categ="spd", title="浪涌保护器", brand="CHINT", kv=0.4, ratings=[20, 40, 60, 80],
         variants=["385V", "440V"], poles=["1P+N", "3P+N", "4P"], price=120, weight=0.4, share=2),
    dict(series="NLS-10", categ="cable_acc", title="冷缩式电缆终端头", brand="HOUSE", kv=10,
         ratings=[35, 50, 70, 95, 120, 150, 185, 240, 300, 400], variants=["户内", "户外"], poles=["3芯", "单芯"],
         price=320, weight=2, share=2),
]
# fmt: on

# ---------------------------------------------------------------------------
# Set recipes: component category, quantity, match ('current' = closest rating
# at or above the set's rating, 'kva' = same transformer capacity, None = any)
# ---------------------------------------------------------------------------
# fmt: off
RECIPES = {
    "hv_cabinet": [("vcb", 1, "current"), ("ct", 3, None), ("protection", 1, None), ("indicator", 1, None), ("arrester", 3, None), ("meter", 1, None)],
    "rmu": [("load_switch", 1, None), ("fuse", 3, None), ("indicator", 1, None), ("arrester", 3, None), ("cable_acc", 3, None)],
    "lv_cabinet": [("acb", 1, "current"), ("mccb", 6, None), ("ct", 3, None), ("meter", 1, None), ("spd", 1, None)],
    "box_substation": [("transformer", 1, "kva"), ("load_switch", 1, None), ("fuse", 3, None), ("acb", 1, None), ("mccb", 4, None), ("meter", 1, None), ("capacitor", 6, None), ("var_controller", 1, None)],
    "jp_box": [("mccb", 1, "current"), ("ct", 3, None), ("meter", 1, None), ("spd", 1, None), ("capacitor", 3, None), ("var_controller", 1, None)],
    "small_box": [("mccb", 4, None), ("contactor", 3, None), ("thermal_relay", 3, None), ("mcb", 4, None)],
    "lighting_box": [("mcb", 8, None), ("isolator", 1, None)],
    "meter_box": [("meter", 4, None), ("mcb", 4, None)],
    "dc_panel": [("mcb", 6, None), ("mccb", 2, None), ("meter", 1, None)],
}
# fmt: on

# ---------------------------------------------------------------------------
# Fixed co-purchase affinity table: (series or category of A, series or
# category of B, probability that an order holding A also holds B).  A key
# matches a set series, a component series or a category key.
# ---------------------------------------------------------------------------
# fmt: off
AFFINITIES = [
    ("KYN28A-12", "XGN15-12", 0.45), ("KYN28A-12", "HXGN17-12", 0.25), ("KYN28A-12", "GZDW", 0.35),
    ("KYN28A-12", "GGD2", 0.2), ("KYN28A-12", "GCS", 0.2), ("KYN61-40.5", "KYN28A-12", 0.35),
    ("KYN61-40.5", "GZDW", 0.4), ("XGN66-12", "GGD2", 0.3), ("XGN66-12", "HXGN17-12", 0.25),
    ("XGN15-12", "YB27-12/0.4", 0.2), ("HXGN17-12", "ZGS11-12", 0.2), ("YB27-12/0.4", "JP", 0.6),
    ("YB27-12/0.4", "XM", 0.45), ("YB27-12/0.4", "DTSD341", 0.5), ("YB27-12/0.4", "HY5WZ", 0.3),
    ("YB27-12/0.4", "NLS-10", 0.4), ("ZGS11-12", "JP", 0.55), ("ZGS11-12", "XM", 0.4),
    ("ZGS11-12", "DTZY", 0.45), ("ZGS11-12", "NLS-10", 0.35), ("JP", "DTZY", 0.4), ("JP", "BSMJ0.45", 0.35),
    ("JP", "HY5WZ", 0.25), ("GCS", "BSMJ0.45", 0.45), ("GCS", "JKW58", 0.35), ("GCS", "NA1", 0.3),
    ("MNS", "BSMJ0.45", 0.4), ("MNS", "MT", 0.25), ("MNS", "JKW58", 0.3), ("GCK", "CW1", 0.3),
    ("GGD2", "XL-21", 0.4), ("GGD2", "PZ30", 0.35), ("GGD2", "NM1", 0.3), ("XL-21", "PZ30", 0.45),
    ("XL-21", "CJX2", 0.35), ("XL-21", "NM1", 0.3), ("PZ30", "NXB-63", 0.55), ("PZ30", "DZ47s", 0.3),
    ("XM", "DDZY", 0.6), ("CJX2", "NR2", 0.7), ("CJX2s", "JRS1Ds", 0.65), ("LC1D", "iC65N", 0.4),
    ("VS1-12", "WXH-820", 0.45), ("VS1-12", "LZZBJ9-12", 0.5), ("ZN63A-12", "WDZ-5200", 0.45),
    ("FZN25-12", "XRNT-12", 0.65), ("FLN36-12", "XRNT-12", 0.55), ("NA1", "BH-0.66", 0.45),
    ("NM1", "NXB-63", 0.35), ("CDM3", "DZ47s", 0.4), ("NDM3", "NU6-II", 0.3), ("S13-M", "HY5WZ", 0.4),
    ("SCB13", "WDZ-5200", 0.3), ("NZ7", "NM1", 0.35), ("BSMJ0.45", "JKW58", 0.55),
]
# fmt: on

# ---------------------------------------------------------------------------
# Customer profiles per appliance_customer_type
#   weight: share of customers; spend: relative order frequency; cadence:
#   typical days between orders (None = project bursts); set_share: chance an
#   order is built around complete sets; sets/components: preferred series.
# ---------------------------------------------------------------------------
# fmt: off
CUSTOMER_PROFILES = {
    "utility": dict(
        weight=8, spend=3.2, cadence=24, set_share=0.65, lines=(2, 7),
        sets=["KYN28A-12", "KYN61-40.5", "XGN15-12", "HXGN17-12", "YB27-12/0.4", "ZGS11-12", "JP", "XM"],
        components=["meter", "arrester", "fuse", "ct", "cable_acc", "load_switch", "indicator"],
    ),
    "contractor": dict(
        weight=24, spend=1.6, cadence=35, set_share=0.6, lines=(2, 8),
        sets=["KYN28A-12", "XGN66-12", "XGN15-12", "GGD2", "GCS", "MNS", "YB27-12/0.4", "XL-21", "PZ30", "GZDW"],
        components=["mccb", "mcb", "acb", "ct", "contactor", "meter", "spd", "cable_acc"],
    ),
    "developer": dict(
        weight=12, spend=1.3, cadence=None, set_share=0.8, lines=(2, 6),
        sets=["YB27-12/0.4", "ZGS11-12", "GGD2", "XL-21", "PZ30", "XM", "HXGN17-12", "JP"],
        components=["mcb", "mccb", "meter", "ats"],
    ),
    "factory": dict(
        weight=22, spend=0.8, cadence=75, set_share=0.45, lines=(1, 6),
        sets=["GCS", "MNS", "GCK", "GGD2", "XL-21", "KYN28A-12", "GZDW"],
        components=["contactor", "thermal_relay", "mccb", "capacitor", "var_controller", "acb", "ats"],
    ),
    "institution": dict(
        weight=8, spend=0.5, cadence=150, set_share=0.6, lines=(1, 5),
        sets=["GGD2", "XL-21", "PZ30", "GZDW", "GCS"], components=["mcb", "mccb", "ats", "spd", "meter"],
    ),
    "distributor": dict(
        weight=20, spend=2.4, cadence=16, set_share=0.12, lines=(3, 9), sets=["PZ30", "XM", "XL-21", "JP"],
        components=["mcb", "mccb", "contactor", "thermal_relay", "fuse", "spd", "meter", "isolator", "ct"],
    ),
    "other": dict(
        weight=6, spend=0.4, cadence=120, set_share=0.4, lines=(1, 4), sets=["PZ30", "XL-21", "GGD2"],
        components=["mcb", "mccb", "contactor"],
    ),
}
# fmt: on
# Probability that a (utility, contractor...) order ends as confirmed / cancelled;
# the rest stay quotations (draft or sent).
# fmt: off
CONVERSION = {
    "utility": (0.78, 0.1), "contractor": (0.66, 0.16), "developer": (0.58, 0.22), "factory": (0.72, 0.12),
    "institution": (0.62, 0.18), "distributor": (0.84, 0.07), "other": (0.55, 0.2),
}
# fmt: on

# ---------------------------------------------------------------------------
# Provinces: state code in base data (res.country.state of base.cn), pinyin,
# customer code prefix, weight, sales region, cities (name, pinyin, district)
# ---------------------------------------------------------------------------
# fmt: off
REGIONS = {
    "east": ("华东大区", "East China"), "south": ("华南大区", "South China"), "north": ("华北大区", "North China"),
    "central": ("华中大区", "Central China"), "southwest": ("西南大区", "Southwest China"),
    "northwest": ("西北大区", "Northwest China"), "northeast": ("东北大区", "Northeast China"),
}
# fmt: on
# Regions served from the second warehouse (the others ship from the first one)
SOUTH_WAREHOUSE_REGIONS = {"south", "southwest", "central"}

# fmt: off
PROVINCES = [
    ("粤", "Guangdong", "GD", 11, "south", [("广州", "Guangzhou", "020"), ("深圳", "Shenzhen", "0755"), ("佛山", "Foshan", "0757"), ("东莞", "Dongguan", "0769")]),
    ("苏", "Jiangsu", "JS", 11, "east", [("南京", "Nanjing", "025"), ("苏州", "Suzhou", "0512"), ("无锡", "Wuxi", "0510"), ("常州", "Changzhou", "0519")]),
    ("浙", "Zhejiang", "ZJ", 9, "east", [("杭州", "Hangzhou", "0571"), ("宁波", "Ningbo", "0574"), ("温州", "Wenzhou", "0577"), ("绍兴", "Shaoxing", "0575")]),
    ("鲁", "Shandong", "SD", 8, "east", [("济南", "Jinan", "0531"), ("青岛", "Qingdao", "0532"), ("烟台", "Yantai", "0535"), ("潍坊", "Weifang", "0536")]),
    ("豫", "Henan", "HA", 5, "central", [("郑州", "Zhengzhou", "0371"), ("洛阳", "Luoyang", "0379"), ("新乡", "Xinxiang", "0373")]),
    ("蜀", "Sichuan", "SC", 5, "southwest", [("成都", "Chengdu", "028"), ("绵阳", "Mianyang", "0816"), ("宜宾", "Yibin", "0831")]),
    ("鄂", "Hubei", "HB", 5, "central", [("武汉", "Wuhan", "027"), ("宜昌", "Yichang", "0717"), ("襄阳", "Xiangyang", "0710")]),
    ("闽", "Fujian", "FJ", 5, "east", [("福州", "Fuzhou", "0591"), ("厦门", "Xiamen", "0592"), ("泉州", "Quanzhou", "0595")]),
    ("湘", "Hunan", "HN", 4, "central", [("长沙", "Changsha", "0731"), ("株洲", "Zhuzhou", "0731"), ("岳阳", "Yueyang", "0730")]),
    ("沪", "Shanghai", "SH", 5, "east", [("上海", "Shanghai", "021")]),
    ("皖", "Anhui", "AH", 4, "east", [("合肥", "Hefei", "0551"), ("芜湖", "Wuhu", "0553"), ("蚌埠", "Bengbu", "0552")]),
    ("京", "Beijing", "BJ", 4, "north", [("北京", "Beijing", "010")]),
    ("冀", "Hebei", "HE", 4, "north", [("石家庄", "Shijiazhuang", "0311"), ("唐山", "Tangshan", "0315"), ("保定", "Baoding", "0312")]),
    ("陕", "Shaanxi", "SN", 3, "northwest", [("西安", "Xi'an", "029"), ("宝鸡", "Baoji", "0917"), ("咸阳", "Xianyang", "029")]),
    ("渝", "Chongqing", "CQ", 3, "southwest", [("重庆", "Chongqing", "023")]),
    ("赣", "Jiangxi", "JX", 3, "east", [("南昌", "Nanchang", "0791"), ("赣州", "Ganzhou", "0797"), ("九江", "Jiujiang", "0792")]),
    ("桂", "Guangxi", "GX", 3, "south", [("南宁", "Nanning", "0771"), ("柳州", "Liuzhou", "0772"), ("桂林", "Guilin", "0773")]),
    ("辽", "Liaoning", "LN", 3, "northeast", [("沈阳", "Shenyang", "024"), ("大连", "Dalian", "0411"), ("鞍山", "Anshan", "0412")]),
    ("津", "Tianjin", "TJ", 2, "north", [("天津", "Tianjin", "022")]),
    ("滇", "Yunnan", "YN", 2, "southwest", [("昆明", "Kunming", "0871"), ("曲靖", "Qujing", "0874")]),
    ("晋", "Shanxi", "SX", 2, "north", [("太原", "Taiyuan", "0351"), ("大同", "Datong", "0352")]),
    ("黔", "Guizhou", "GZ", 2, "southwest", [("贵阳", "Guiyang", "0851"), ("遵义", "Zunyi", "0851")]),
    ("蒙", "Inner Mongolia", "NM", 2, "north", [("呼和浩特", "Hohhot", "0471"), ("包头", "Baotou", "0472")]),
    ("新", "Xinjiang", "XJ", 1.5, "northwest", [("乌鲁木齐", "Urumqi", "0991"), ("克拉玛依", "Karamay", "0990")]),
    ("吉", "Jilin", "JL", 1.5, "northeast", [("长春", "Changchun", "0431"), ("吉林", "Jilin", "0432")]),
    ("黑", "Heilongjiang", "HL", 1.5, "northeast", [("哈尔滨", "Harbin", "0451"), ("大庆", "Daqing", "0459")]),
    ("甘", "Gansu", "GS", 1, "northwest", [("兰州", "Lanzhou", "0931"), ("天水", "Tianshui", "0938")]),
    ("琼", "Hainan", "HI", 1, "south", [("海口", "Haikou", "0898"), ("三亚", "Sanya", "0898")]),
    ("宁", "Ningxia", "NX", 0.7, "northwest", [("银川", "Yinchuan", "0951")]),
    ("青", "Qinghai", "QH", 0.5, "northwest", [("西宁", "Xining", "0971")]),
]
# fmt: on

# Trade names (字号) with pinyin, for generated company names
# fmt: off
TRADE_NAMES = [
    ("华泰", "Huatai"), ("恒通", "Hengtong"), ("瑞达", "Ruida"), ("鑫源", "Xinyuan"), ("宏远", "Hongyuan"),
    ("盛世", "Shengshi"), ("新兴", "Xinxing"), ("安泰", "Antai"), ("博创", "Bochuang"), ("中科", "Zhongke"),
    ("天成", "Tiancheng"), ("金桥", "Jinqiao"), ("明阳", "Mingyang"), ("永盛", "Yongsheng"), ("信达", "Xinda"),
    ("东方", "Dongfang"), ("长城", "Changcheng"), ("联创", "Lianchuang"), ("正大", "Zhengda"), ("汇丰", "Huifeng"),
    ("国安", "Guoan"), ("海润", "Hairun"), ("光明", "Guangming"), ("启航", "Qihang"), ("嘉禾", "Jiahe"),
    ("万达", "Wanda"), ("合力", "Heli"), ("卓越", "Zhuoyue"), ("远大", "Yuanda"), ("兴业", "Xingye"),
    ("德源", "Deyuan"), ("坤泰", "Kuntai"), ("鼎盛", "Dingsheng"), ("凯瑞", "Kairui"), ("锦华", "Jinhua"),
    ("荣昌", "Rongchang"), ("腾飞", "Tengfei"), ("中天", "Zhongtian"), ("宝利", "Baoli"), ("华鑫", "Huaxin"),
    ("同创", "Tongchuang"), ("永和", "Yonghe"), ("伟业", "Weiye"), ("富源", "Fuyuan"), ("益民", "Yimin"),
    ("骏马", "Junma"), ("立信", "Lixin"), ("恒瑞", "Hengrui"), ("长江", "Changjiang"), ("黄河", "Huanghe"),
    ("泰山", "Taishan"), ("昆仑", "Kunlun"), ("天宇", "Tianyu"), ("银河", "Yinhe"), ("众诚", "Zhongcheng"),
    ("广源", "Guangyuan"), ("通达", "Tongda"), ("金辉", "Jinhui"), ("润泽", "Runze"), ("翔宇", "Xiangyu"),
    ("华电", "Huadian"), ("恒力", "Hengli"), ("振华", "Zhenhua"), ("新科", "Xinke"), ("联合", "Lianhe"),
    ("安达", "Anda"), ("宏达", "Hongda"), ("中建", "Zhongjian"), ("诚信", "Chengxin"), ("聚能", "Juneng"),
    ("久安", "Jiuan"), ("星火", "Xinghuo"), ("华宇", "Huayu"), ("晨光", "Chenguang"), ("飞达", "Feida"),
    ("盛达", "Shengda"), ("顺丰", "Shunfeng"), ("天润", "Tianrun"), ("利民", "Limin"), ("科达", "Keda"),
]
# fmt: on

# Per customer type: (Chinese suffix, English suffix) choices; "{city}" and
# "{trade}" are filled in.  Utilities are named after the city they serve.
# fmt: off
NAME_PATTERNS = {
    "utility": [("国网{city}供电公司{trade}供电所", "State Grid {city_en} Power Supply Company, {trade_en} Station"), ("{city}{trade}电力有限公司", "{city_en} {trade_en} Electric Power Co., Ltd."), ("{city}{trade}配售电有限公司", "{city_en} {trade_en} Power Distribution & Sales Co., Ltd."), ("{city}{trade}新能源电力有限公司", "{city_en} {trade_en} New Energy Power Co., Ltd.")],
    "contractor": [("{city}{trade}电力工程有限公司", "{city_en} {trade_en} Electric Power Engineering Co., Ltd."), ("{city}{trade}机电安装工程有限公司", "{city_en} {trade_en} M&E Installation Engineering Co., Ltd."), ("{city}{trade}建设集团有限公司", "{city_en} {trade_en} Construction Group Co., Ltd."), ("{city}{trade}电气安装有限公司", "{city_en} {trade_en} Electrical Installation Co., Ltd.")],
    "developer": [("{city}{trade}置业有限公司", "{city_en} {trade_en} Real Estate Co., Ltd."), ("{city}{trade}房地产开发有限公司", "{city_en} {trade_en} Property Development Co., Ltd."), ("{city}{trade}城市建设投资有限公司", "{city_en} {trade_en} Urban Construction Investment Co., Ltd.")],
    "factory": [("{city}{trade}机械制造有限公司", "{city_en} {trade_en} Machinery Manufacturing Co., Ltd."), ("{city}{trade}化工有限公司", "{city_en} {trade_en} Chemical Co., Ltd."), ("{city}{trade}钢铁有限公司", "{city_en} {trade_en} Steel Co., Ltd."), ("{city}{trade}纺织有限公司", "{city_en} {trade_en} Textile Co., Ltd."), ("{city}{trade}水泥有限公司", "{city_en} {trade_en} Cement Co., Ltd."), ("{city}{trade}食品有限公司", "{city_en} {trade_en} Foods Co., Ltd.")],
    "institution": [("{city}{trade}医院", "{city_en} {trade_en} Hospital"), ("{city}{trade}学院", "{city_en} {trade_en} College"), ("{city}{trade}中学", "{city_en} {trade_en} High School"), ("{city}{trade}水务集团", "{city_en} {trade_en} Water Group"), ("{city}{trade}产业园管理委员会", "{city_en} {trade_en} Industrial Park Administration")],
    "distributor": [("{city}{trade}电气设备有限公司", "{city_en} {trade_en} Electrical Equipment Co., Ltd."), ("{city}{trade}电器经销部", "{city_en} {trade_en} Electrical Distribution"), ("{city}{trade}五金机电有限公司", "{city_en} {trade_en} Hardware & Electromechanical Co., Ltd.")],
    "other": [("{city}{trade}物业管理有限公司", "{city_en} {trade_en} Property Management Co., Ltd."), ("{city}{trade}商贸有限公司", "{city_en} {trade_en} Trading Co., Ltd.")],
}
# fmt: on

# fmt: off
STREETS = [
    ("科技路", "Keji Road"), ("工业大道", "Gongye Avenue"), ("建设路", "Jianshe Road"), ("人民路", "Renmin Road"),
    ("解放路", "Jiefang Road"), ("中山路", "Zhongshan Road"), ("长江路", "Changjiang Road"),
    ("发展大道", "Fazhan Avenue"), ("高新路", "Gaoxin Road"), ("开发区大道", "Kaifaqu Avenue"),
    ("经济技术开发区兴业路", "Xingye Road, ETDZ"), ("创业路", "Chuangye Road"),
]
# fmt: on

# fmt: off
SALES_NAMES = [
    "张伟", "王芳", "李强", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴霞", "徐涛", "孙丽", "马超", "朱琳", "胡斌", "郭婷", "何勇",
    "高峰", "林娜", "罗刚", "郑浩", "梁媛", "谢军", "宋佳", "唐亮", "韩雪", "冯博", "邓辉",
]
# fmt: on
# fmt: off
SALES_LOGINS = [
    "zhangwei", "wangfang", "liqiang", "liuyang", "chenjing", "yangfan", "zhaolei", "huangmin", "zhoujie",
    "wuxia", "xutao", "sunli", "machao", "zhulin", "hubin", "guoting", "heyong", "gaofeng", "linna",
    "luogang", "zhenghao", "liangyuan", "xiejun", "songjia", "tangliang", "hanxue", "fengbo", "denghui",
]
# fmt: on

# Chinese New Year (Spring Festival) dates: orders are scarce around them
# fmt: off
SPRING_FESTIVAL = {
    2022: (2, 1), 2023: (1, 22), 2024: (2, 10), 2025: (1, 29), 2026: (2, 17), 2027: (2, 6), 2028: (1, 26),
    2029: (2, 13), 2030: (2, 3),
}
# fmt: on
# Month factors: slow summer, Golden-week dip in October, year-end peak
# fmt: off
MONTH_FACTOR = {
    1: 0.95, 2: 0.85, 3: 1.05, 4: 1.05, 5: 1.0, 6: 1.05, 7: 0.9, 8: 0.9, 9: 1.05, 10: 0.85, 11: 1.2,
    12: 1.4,
}
# fmt: on
# fmt: off
WEEKDAY_FACTOR = {
    0: 1.1, 1: 1.1, 2: 1.1, 3: 1.05, 4: 1.0, 5: 0.3, 6: 0.12,
}
# fmt: on

# ---------------------------------------------------------------------------
# Matching the keys above against an existing catalogue (the demo data uses
# its own series names): alternative series names, and category keywords
# tried in order against the product category's full name.
# ---------------------------------------------------------------------------
# fmt: off
SERIES_ALIASES = {
    "KYN61-40.5": ["KYN61"], "XGN66-12": ["XGN2"], "HXGN17-12": ["HXGN17"], "YB27-12/0.4": ["YBM", "YB27"],
    "ZGS11-12": ["ZBW", "ZGS11"], "GGD2": ["GGD"], "GZDW": ["GZDW"], "VS1-12": ["VS1"],
    "ZN63A-12": ["ZN63A"], "VD4-12": ["VD4"], "FZN25-12": ["FZN25", "FLN36"], "FLN36-12": ["FLN36"],
    "NA1": ["NXA", "NA1"], "CW1": ["CW1"], "MT": ["Masterpact MTZ", "MTZ"], "NM1": ["NXM", "NM1"],
    "CDM3": ["CDM3"], "NDM3": ["NDM3"], "NXB-63": ["NXB", "NB1"], "DZ47s": ["DZ47"], "iC65N": ["iC65"],
    "TGB1N-63": ["TGB1N"], "CJX2": ["CJX2", "NXC"], "CJX2s": ["NXC"], "LC1D": ["TeSys D", "LC1D"],
    "NR2": ["NR2"], "JRS1Ds": ["NR2"], "LZZBJ9-12": ["LZZBJ9"], "BH-0.66": ["LMZJ1", "BH"],
    "JDZ10-10": ["JDZ10"], "HY5WZ": ["HY5WS", "HY5WZ"], "XRNT-12": ["XRNT"], "RT16": ["RT16", "NT"],
    "DTSD341": ["DTSD"], "DTZY": ["DTZY", "DTSD"], "DDZY": ["DDZY"], "WXH-820": ["Easergy P3", "WXH"],
    "WDZ-5200": ["Easergy P3", "WDZ"], "GSN": ["DXN", "GSN"], "BSMJ0.45": ["BSMJ"],
    "JKW58": ["JKW5C", "JKW"], "GN19-12": ["GN19"], "HGL": ["HGL"], "S13-M": ["S13"], "SCB13": ["SCB13"],
    "NZ7": ["NZ7"], "NU6-II": ["NU6"], "NLS-10": ["NLS"],
}
# fmt: on
# fmt: off
CATEGORY_KEYWORDS = {
    "hv_switchgear": ["高压开关柜", "中压开关柜"], "rmu": ["环网柜", "中压开关柜"], "lv_switchgear": ["低压开关柜"],
    "box_substation": ["箱式变电站", "箱变"], "distribution_box": ["配电箱"], "dc_panel": ["直流屏"],
    "vcb": ["真空断路器", "断路器"], "load_switch": ["负荷开关", "断路器"], "acb": ["框架断路器", "断路器"],
    "mccb": ["塑壳断路器", "断路器"], "mcb": ["微型断路器", "断路器"], "contactor": ["接触器"],
    "thermal_relay": ["热继电器", "继电器"], "ct": ["互感器"], "arrester": ["避雷器", "防雷"], "fuse": ["熔断器"],
    "meter": ["电能表", "仪表"], "protection": ["综合保护装置", "继电器"], "indicator": ["带电显示器", "附件"],
    "capacitor": ["电容器", "附件"], "var_controller": ["无功补偿控制器", "附件"], "isolator": ["隔离开关", "断路器"],
    "transformer": ["变压器"], "ats": ["双电源开关", "断路器"], "spd": ["浪涌保护器", "防雷"], "cable_acc": ["电缆附件", "附件"],
}
# fmt: on
