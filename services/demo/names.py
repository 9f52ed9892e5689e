"""Fictional Chinese names for demo data: people, places, businesses, phone numbers."""

import random

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰文辉建国红梅志宏海燕鹏飞晓东春林德"
PLACE_HEADS = "青清安永宁和平丰兴隆福康泰长乐新云石金玉龙凤白黄双柳桃杏梨松竹梅兰溪河湖山岭"
PLACE_TAILS = "川源江河溪水山岭峰田坪坝湾塘桥口港营庄堡寨集岗洲林"
TRADE_WORDS = (
    "鑫源",
    "惠民",
    "福满",
    "好运",
    "老街",
    "和顺",
    "金穗",
    "丰收",
    "家家乐",
    "万家",
    "乡味",
    "旺旺",
    "佳佳",
    "康乐",
    "顺心",
    "红星",
    "绿野",
    "田园",
    "同心",
    "阿福",
    "百味",
    "四季",
    "春晖",
    "满堂红",
)

# kind → (category, name suffixes, licence prefix or None, credit-code kind '1' company / '2' 个体)
KINDS = {
    "食品厂": ("食品生产", ("食品有限公司", "食品厂", "粮油加工有限公司"), "SC", "1"),
    "农贸市场": ("农贸市场", ("农贸市场", "综合市场"), "JY", "1"),
    "学校食堂": ("学校幼儿园食堂", ("中心小学食堂", "中学食堂", "幼儿园食堂"), "JY", "1"),
    "敬老院食堂": ("养老机构食堂", ("敬老院食堂", "养老服务中心食堂"), "JY", "1"),
    "单位食堂": ("单位食堂", ("卫生院食堂", "政府机关食堂", "企业职工食堂"), "JY", "1"),
    "超市": ("食品销售", ("连锁超市", "购物中心", "超市"), "JY", "1"),
    "餐馆": ("餐饮服务", ("大酒店", "饭店", "农家乐", "酒楼"), "JY", "2"),
    "经营户": ("食品销售", ("便民店", "副食店", "粮油店", "小卖部"), "JY", "2"),
    "作坊": ("小作坊", ("豆腐坊", "酒坊", "面条加工坊", "糕点坊", "榨油坊"), None, "2"),
    "小吃店": ("小餐饮", ("面馆", "小吃店", "包子铺", "米粉店", "烧烤店"), "JY", "2"),
    "摊贩": ("食品摊贩", ("早餐摊", "水果摊", "卤味摊"), None, "2"),
}

MOBILE_PREFIXES = ("138", "139", "150", "151", "158", "159", "186", "187", "188", "177", "199")


def person(rng: random.Random) -> str:
    """A fictional person's name of two or three characters."""
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def place(rng: random.Random, suffix: str, taken: set[str]) -> str:
    """A fictional place name with suffix (县, 镇, 村…) not yet in taken."""
    while True:
        name = rng.choice(PLACE_HEADS) + rng.choice(PLACE_TAILS) + suffix
        if name not in taken or len(taken) > 600:
            taken.add(name)
            return name


def business(rng: random.Random, kind: str, where: str) -> str:
    """A fictional business name of a kind, placed by a short place name."""
    suffix = rng.choice(KINDS[kind][1])
    if kind in ("学校食堂", "敬老院食堂", "单位食堂", "农贸市场"):
        return f"{where}{suffix}"
    owner = rng.choice(SURNAMES)
    word = rng.choice(TRADE_WORDS) if rng.random() < 0.6 else f"老{owner}家"
    return f"{where}{word}{suffix}"


def mobile(seq: int) -> str:
    """A unique 11-digit mainland mobile number for sequence number seq (< 10^8)."""
    body = (seq * 7919 + 13_572_468) % 100_000_000
    return f"{MOBILE_PREFIXES[seq % len(MOBILE_PREFIXES)]}{body:08d}"
