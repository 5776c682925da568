"""The vocabulary of the synthetic county, shared by every demo module: names with their surname weights,
townships, streets, employers, banks, schools, and unique valid ID numbers (never real people)."""

from __future__ import annotations

import bisect
import datetime as _dt
import random
from collections.abc import Sequence
from typing import TypeVar

from helpdesk_gui.core.base import ids

T = TypeVar("T")

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单解")
SURNAME_WEIGHTS = [max(60 - i, 3) for i in range(len(SURNAMES))]
MALE_CHARS = "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"
FEMALE_CHARS = "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"
TOWNSHIPS = ("城关镇", "板桥镇", "马街镇", "金马镇", "羊街镇", "秧田冲镇", "仁德街道", "龙泉街道", "新村乡",
             "大河乡", "石门乡", "白龙潭乡")
VILLAGES = ("社区", "村委会", "居委会", "小区")
STREETS = ("人民路", "建设路", "解放路", "民族路", "新华街", "和平街", "东风路", "龙泉路", "金牛巷", "菜园巷")
EMPLOYER_HEADS = ("云岭", "金马", "龙泉", "滇中", "红土", "高原", "茶花", "彩云", "双龙", "青山", "宏达", "恒通", "永安",
                  "鑫源", "福瑞", "兴盛", "华信", "金桥", "万通", "春城")
EMPLOYER_TRADES = ("煤业", "水泥", "纺织", "机械", "建材", "食品", "化工", "物流", "建筑", "商贸", "印刷", "木业",
                   "矿业", "造纸", "烟草配套", "电子", "酒店", "家政服务", "物业管理", "运输")
EMPLOYER_SUFFIX = ("有限公司", "有限责任公司", "厂", "集团有限公司", "股份有限公司")
BANKS = (("中国农业银行", "6228"), ("中国工商银行", "6222"), ("中国建设银行", "6217"), ("中国邮政储蓄银行", "6221"),
         ("农村信用合作社", "6224"))
SCHOOLS = ("县第一中学", "县第二中学", "县职业高级中学", "城关小学", "龙泉小学", "云南大学", "昆明理工大学",
           "云南师范大学", "县第三中学", "县幼儿园")
PROJECT_AMOUNTS = {"1": (100000, 300000), "2": (200000, 1000000), "3": (150000, 500000), "4": (50000, 100000),
                   "5": (50000, 200000)}


def weighted(rng: random.Random, items: Sequence[tuple[T, int]]) -> T:
    """One of ``items`` (item, weight), chosen with probability proportional to its weight."""
    total = sum(w for _, w in items)
    x = rng.random() * total
    for item, w in items:
        x -= w
        if x < 0:
            return item
    return items[-1][0]


class People:
    """Unique valid ID numbers and names."""

    def __init__(self, rng: random.Random, regions: list[str], used: set[str]) -> None:
        self.rng = rng
        self.regions = regions
        self.used = used
        self.surname_cum = self._cum(SURNAME_WEIGHTS)

    @staticmethod
    def _cum(weights: list[int]) -> list[int]:
        out, t = [], 0
        for w in weights:
            t += w
            out.append(t)
        return out

    def surname(self) -> str:
        return SURNAMES[bisect.bisect_right(self.surname_cum, self.rng.random() * self.surname_cum[-1])]

    def given(self, sex: str) -> str:
        pool = MALE_CHARS if sex == "1" else FEMALE_CHARS
        n = 1 if self.rng.random() < 0.3 else 2
        return "".join(self.rng.choice(pool) for _ in range(n))

    def id_for(self, birth: _dt.date, sex: str, region: str | None = None) -> str:
        region = region or self.regions[0 if self.rng.random() < 0.85 else self.rng.randrange(len(self.regions))]
        while True:
            seq = self.rng.randrange(500) * 2 + (1 if sex == "1" else 0)
            value = ids.make(region, birth, seq)
            if value not in self.used:
                self.used.add(value)
                return value

    def birth(self, lo_age: int, hi_age: int, today: _dt.date) -> _dt.date:
        year = today.year - self.rng.randint(lo_age, hi_age)
        start = _dt.date(year, 1, 1)
        return start + _dt.timedelta(days=self.rng.randrange(365))
