#include "checkrows.h"

namespace hd {

namespace {

CheckRow baseRow(const CheckConfig &check, const ProbeResult &result)
{
    CheckRow row;
    row.service = check.service;
    row.check = check.name;
    row.key = check.key();
    row.severity = check.severity;
    row.latencyMs = result.latencyMs;
    row.result = result;
    return row;
}

void appendJudged(QList<CheckRow> &rows, CheckRow row, const CheckEvaluator &evaluator, const QDateTime &now,
                  const MemoryLookup &memory)
{
    row.evaluation = evaluator.evaluate(row.result, now, memory ? memory(row.key) : nullptr);
    row.status = row.evaluation.status;
    row.detail = row.evaluation.detail;
    const QList<HealthItem> items = row.evaluation.items;
    const CheckRow parent = row;
    rows << row;
    for (const HealthItem &item : items) {
        CheckRow sub = parent;
        sub.item = parent.item.isEmpty() ? item.name : parent.item + u'/' + item.name;
        sub.key = parent.key + u'/' + item.name;
        sub.status = item.status;
        sub.detail = item.detail;
        sub.counts = false;
        sub.evaluation = CheckEvaluation {};
        sub.evaluation.status = item.status;
        sub.evaluation.detail = item.detail;
        rows << sub;
    }
}

} // namespace

QList<CheckRow> rowsForResult(const CheckConfig &check, const CheckEvaluator &evaluator, const ProbeResult &result,
                              const QDateTime &now, const MemoryLookup &memory)
{
    QList<CheckRow> rows;
    // A Redis pattern gives a row per key, a Prometheus query a row per series; an item without a name (a
    // series without labels) is the check's own row.
    const bool isPattern = check.kind == ProbeKind::Redis && check.redis.mode == RedisProbeConfig::Mode::Pattern;
    const bool isQuery = check.kind == ProbeKind::Prometheus;
    if ((isPattern || isQuery) && result.completed()) {
        for (const ProbeResult &itemResult : result.items) {
            CheckRow row = baseRow(check, itemResult);
            row.item = itemResult.item;
            if (!row.item.isEmpty())
                row.key = check.key() + u'/' + itemResult.item;
            appendJudged(rows, row, evaluator, now, memory);
        }
        if (rows.isEmpty()) {
            CheckRow row = baseRow(check, result);
            if (isPattern) {
                row.status = Status::Stale;
                row.detail = u"no key matches " + check.redis.key;
            } else {
                row.status = check.prometheus.emptyOk ? Status::Ok : Status::Down;
                row.detail = QStringLiteral("query returned no series");
            }
            row.evaluation.status = row.status;
            row.evaluation.detail = row.detail;
            rows << row;
        }
        return rows;
    }
    appendJudged(rows, baseRow(check, result), evaluator, now, memory);
    return rows;
}

} // namespace hd
