"""The cap rules and holidays migration 0002 wrote, frozen as data."""

from __future__ import annotations

from typing import Any

#: cap_rules columns, in the order of ``CAP_ROWS``
CAP_COLUMNS = ('project', 'category', 'basis', 'months', 'amount_fen', 'percent', 'deductible_fen', 'max_time_fen',
               'period', 'period_max_fen', 'lifetime_max_fen', 'bonus_per_5y', 'note')

CAP_ROWS: tuple[tuple[Any, ...], ...] = (('1', '1', 'months_dibao', '12', None, None, 0, None, 'household_year', None, None, None, ''),
 ('1', '2', 'months_dibao', '8', None, None, 0, None, 'household_year', None, None, None, ''),
 ('1', '3', 'percent', None, None, '0.15', 0, 1000000, 'household_year', 1000000, None, None, ''),
 ('2', '1', 'percent', None, None, '1', 0, None, 'household_year', None, None, None, ''),
 ('2', '2', 'percent', None, None, '0.8', 0, 1600000, 'household_year', 1600000, None, None, ''),
 ('2', '3', 'none', None, None, None, 0, None, 'time', None, None, None, ''),
 ('3', '1', 'months_dibao', '10', None, None, 0, None, 'student_year', None, None, None, ''),
 ('3', '2', 'months_dibao', '8', None, None, 0, None, 'student_year', None, None, None, ''),
 ('3', '3', 'none', None, None, None, 0, None, 'time', None, None, None, ''),
 ('4', '1', 'fixed', None, 300000, None, 0, None, 'person_year', 600000, None, None, ''),
 ('4', '2', 'fixed', None, 300000, None, 0, None, 'person_year', 600000, None, None, ''),
 ('4', '3', 'fixed', None, 300000, None, 0, None, 'person_year', 600000, None, None, ''),
 ('5', '1', 'fixed', None, 500000, None, 0, None, 'household_year', 1000000, None, None, '默认值为估计，请按本地办法修改'),
 ('5', '2', 'fixed', None, 500000, None, 0, None, 'household_year', 1000000, None, None, '默认值为估计，请按本地办法修改'),
 ('5', '3', 'fixed', None, 500000, None, 0, None, 'household_year', 1000000, None, None, '默认值为估计，请按本地办法修改'),
 ('5', '*', 'fixed', None, 500000, None, 0, None, 'household_year', 1000000, None, None, '默认值为估计，请按本地办法修改'),
 ('6', '1', 'fixed', None, 300000, None, 0, None, 'person_year', 300000, None, None, ''),
 ('6', '2', 'fixed', None, 300000, None, 0, None, 'person_year', 300000, None, None, ''),
 ('7', '1', 'fixed', None, 300000, None, 0, None, 'person_year', 300000, None, None, ''),
 ('7', '2', 'fixed', None, 300000, None, 0, None, 'person_year', 300000, None, None, ''),
 ('6', '3', 'none', None, None, None, 0, None, 'time', None, None, None, ''),
 ('7', '3', 'none', None, None, None, 0, None, 'time', None, None, None, ''),
 ('8', '1', 'fixed', None, 300000, None, 0, None, 'time', None, None, None, '当地法律援助补贴标准；默认值为估计，请按本地办法修改'),
 ('8', '2', 'fixed', None, 300000, None, 0, None, 'time', None, None, None, '当地法律援助补贴标准；默认值为估计，请按本地办法修改'),
 ('8', '3', 'none', None, None, None, 0, None, 'time', None, None, None, ''),
 ('9', '1', 'percent', None, None, '0.5', 100000, None, 'time', None, None, '0.05', ''),
 ('9', '2', 'percent', None, None, '0.5', 100000, None, 'time', None, None, '0.05', ''),
 ('9', '3', 'percent', None, None, '0.5', 100000, None, 'time', None, None, '0.05', ''),
 ('10', '1', 'none', None, None, None, 0, None, 'time', None, None, None, ''),
 ('10', '2', 'none', None, None, None, 0, None, 'time', None, None, None, ''),
 ('10', '3', 'none', None, None, None, 0, None, 'time', None, None, None, ''))

#: (day, kind, name)
HOLIDAY_ROWS: tuple[tuple[str, str, str], ...] = (('2025-01-01', 'off', '元旦'), ('2025-01-28', 'off', '春节'), ('2025-01-29', 'off', '春节'),
 ('2025-01-30', 'off', '春节'), ('2025-01-31', 'off', '春节'), ('2025-02-01', 'off', '春节'),
 ('2025-02-02', 'off', '春节'), ('2025-02-03', 'off', '春节'), ('2025-02-04', 'off', '春节'),
 ('2025-04-04', 'off', '清明节'), ('2025-04-05', 'off', '清明节'), ('2025-04-06', 'off', '清明节'),
 ('2025-05-01', 'off', '劳动节'), ('2025-05-02', 'off', '劳动节'), ('2025-05-03', 'off', '劳动节'),
 ('2025-05-04', 'off', '劳动节'), ('2025-05-05', 'off', '劳动节'), ('2025-05-31', 'off', '端午节'),
 ('2025-06-01', 'off', '端午节'), ('2025-06-02', 'off', '端午节'), ('2025-10-01', 'off', '国庆节、中秋节'),
 ('2025-10-02', 'off', '国庆节、中秋节'), ('2025-10-03', 'off', '国庆节、中秋节'), ('2025-10-04', 'off', '国庆节、中秋节'),
 ('2025-10-05', 'off', '国庆节、中秋节'), ('2025-10-06', 'off', '国庆节、中秋节'), ('2025-10-07', 'off', '国庆节、中秋节'),
 ('2025-10-08', 'off', '国庆节、中秋节'), ('2026-01-01', 'off', '元旦'), ('2026-01-02', 'off', '元旦'),
 ('2026-01-03', 'off', '元旦'), ('2026-02-15', 'off', '春节'), ('2026-02-16', 'off', '春节'),
 ('2026-02-17', 'off', '春节'), ('2026-02-18', 'off', '春节'), ('2026-02-19', 'off', '春节'),
 ('2026-02-20', 'off', '春节'), ('2026-02-21', 'off', '春节'), ('2026-02-22', 'off', '春节'),
 ('2026-02-23', 'off', '春节'), ('2026-04-04', 'off', '清明节'), ('2026-04-05', 'off', '清明节'),
 ('2026-04-06', 'off', '清明节'), ('2026-05-01', 'off', '劳动节'), ('2026-05-02', 'off', '劳动节'),
 ('2026-05-03', 'off', '劳动节'), ('2026-05-04', 'off', '劳动节'), ('2026-05-05', 'off', '劳动节'),
 ('2026-06-19', 'off', '端午节'), ('2026-06-20', 'off', '端午节'), ('2026-06-21', 'off', '端午节'),
 ('2026-09-25', 'off', '中秋节'), ('2026-09-26', 'off', '中秋节'), ('2026-09-27', 'off', '中秋节'),
 ('2026-10-01', 'off', '国庆节'), ('2026-10-02', 'off', '国庆节'), ('2026-10-03', 'off', '国庆节'),
 ('2026-10-04', 'off', '国庆节'), ('2026-10-05', 'off', '国庆节'), ('2026-10-06', 'off', '国庆节'),
 ('2026-10-07', 'off', '国庆节'), ('2025-01-26', 'work', '调休上班'), ('2025-02-08', 'work', '调休上班'),
 ('2025-04-27', 'work', '调休上班'), ('2025-09-28', 'work', '调休上班'), ('2025-10-11', 'work', '调休上班'),
 ('2026-01-04', 'work', '调休上班'), ('2026-02-14', 'work', '调休上班'), ('2026-02-28', 'work', '调休上班'),
 ('2026-05-09', 'work', '调休上班'), ('2026-09-20', 'work', '调休上班'), ('2026-10-10', 'work', '调休上班'))
