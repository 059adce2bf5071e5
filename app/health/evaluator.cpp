#include "evaluator.h"

namespace hd {

namespace {

Status statusForFailedOutcome(ProbeResult::Outcome outcome)
{
    using O = ProbeResult::Outcome;
    switch (outcome) {
    case O::AuthRejected:
    case O::Misconfigured:
    case O::NotRun:
        return Status::Unknown;
    case O::Missing:
        return Status::Stale;
    case O::Completed:
        return Status::Ok;
    case O::Refused:
    case O::Timeout:
    case O::TlsError:
    case O::BodyTooLarge:
    case O::ProtocolError:
        break;
    }
    return Status::Down;
}

QString joined(const QStringList& parts)
{
    QStringList nonEmpty;
    for (const QString& p : parts) {
        if (!p.isEmpty() && !nonEmpty.contains(p))
            nonEmpty << p;
    }
    return nonEmpty.join(QStringLiteral("; "));
}

} // namespace

CheckEvaluator::CheckEvaluator(const CheckConfig& check)
    : m_kind(check.kind)
{
    for (const ConditionSpec& spec : check.conditions) {
        Parsed p;
        p.warn = spec.warn;
        p.expression = spec.expression;
        p.condition = Condition::parse(spec.expression, &p.parseError);
        m_usesMetrics = m_usesMetrics || (p.condition && p.condition->usesMetrics());
        m_conditions << p;
    }
}

BodyVerdict CheckEvaluator::recognize(const QByteArray& body, const QByteArray& contentType, int httpStatus) const
{
    // Small bodies only: a cache of large ones would hold a copy per check.
    constexpr qsizetype maxCachedBody = 4096;
    if (m_lastBody && m_lastBody->httpStatus == httpStatus && m_lastBody->body == body
        && m_lastBody->contentType == contentType)
        return m_lastBody->verdict;
    BodyVerdict verdict = recognizeBody(body, contentType, httpStatus);
    if (body.size() <= maxCachedBody)
        m_lastBody = Recognized { body, contentType, httpStatus, verdict };
    else
        m_lastBody.reset();
    return verdict;
}

CheckEvaluation CheckEvaluator::evaluate(const ProbeResult& result, const QDateTime& now, ConditionMemory* memory) const
{
    if (!result.completed()) {
        CheckEvaluation out;
        out.status = statusForFailedOutcome(result.outcome);
        out.detail = result.error.isEmpty() ? outcomeName(result.outcome) : result.error;
        return out;
    }

    const BodyVerdict verdict
        = recognize(result.body, result.contentType, m_kind == ProbeKind::Http ? result.status : 0);
    if (m_conditions.isEmpty())
        return judgeWithoutConditions(result, verdict);

    CheckEvaluation out;
    out.format = verdict.format;
    out.items = verdict.items;
    judgeConditions(out, result, verdict, now, memory);
    return out;
}

CheckEvaluation CheckEvaluator::judgeWithoutConditions(const ProbeResult& result, const BodyVerdict& verdict) const
{
    CheckEvaluation out;
    out.format = verdict.format;
    out.items = verdict.items;

    // Auth rejections are "cannot judge", not "down": the service may be fine.
    if (m_kind == ProbeKind::Http && (result.status == 401 || result.status == 403)) {
        out.status = Status::Unknown;
        out.detail
            = joined({ u"HTTP " + QString::number(result.status) + u": authentication rejected", verdict.detail });
        return out;
    }

    if (verdict.status) {
        out.status = *verdict.status;
        out.detail = verdict.detail;
        if (m_kind == ProbeKind::Http && result.status >= 400)
            out.detail
                = u"HTTP " + QString::number(result.status) + (out.detail.isEmpty() ? QString() : u": " + out.detail);
    } else if (m_kind == ProbeKind::Http) {
        const bool ok = result.status >= 200 && result.status <= 399;
        out.status = ok ? Status::Ok : Status::Down;
        out.detail = ok ? QString() : u"HTTP " + QString::number(result.status);
    } else {
        out.status = Status::Ok; // connected, value read, process ran: nothing says otherwise
    }

    if (result.statusHint) {
        out.status = worst(out.status, *result.statusHint);
        out.detail = joined({ result.hintDetail, out.detail });
    }
    return out;
}

void CheckEvaluator::judgeConditions(CheckEvaluation& out, const ProbeResult& result, const BodyVerdict& verdict,
    const QDateTime& now, ConditionMemory* memory) const
{
    ConditionInput input;
    input.result = &result;
    input.now = now;
    input.memory = memory;
    // Parsed once here for every [METRIC] condition, unless recognising the body did it already.
    std::optional<prom::Exposition> parsed;
    input.metrics = verdict.metrics.get();
    if (!input.metrics && m_usesMetrics) {
        parsed = prom::parse(result.body, prom::formatOf(result.contentType, result.body));
        input.metrics = &*parsed;
    }

    Status critical = Status::Ok;
    bool warnFailed = false;
    bool onlyBodyConditionsFailed = true;
    QStringList failures;

    for (const Parsed& p : m_conditions) {
        ConditionOutcome o;
        if (p.condition) {
            o = p.condition->evaluate(input);
        } else {
            o.success = false;
            o.display = p.expression;
            o.detail = u"invalid condition: " + p.parseError;
            o.insufficientData = true;
        }
        o.warn = p.warn;
        out.conditions << o;
        if (o.success)
            continue;

        failures << (o.detail.isEmpty() ? o.display : o.detail);
        if (p.warn) {
            warnFailed = true;
            continue;
        }
        Status s = Status::Down;
        if (o.insufficientData)
            s = Status::Unknown;
        else if (o.ageFailure)
            s = Status::Stale;
        if (!p.expression.contains(QLatin1String("[BODY]")))
            onlyBodyConditionsFailed = false;
        critical = worst(critical, s);
    }

    if (critical == Status::Down && onlyBodyConditionsFailed && verdict.status
        && (*verdict.status == Status::Degraded || *verdict.status == Status::Starting)) {
        // "[BODY].status == healthy" failing on a body that says degraded/starting:
        // the service told us what it is, and that is milder than down.
        critical = *verdict.status;
        failures.prepend(verdict.detail);
    }

    out.status = critical != Status::Ok ? critical : (warnFailed ? Status::Degraded : Status::Ok);
    if (result.statusHint && *result.statusHint != Status::Ok) {
        out.status = worst(out.status, *result.statusHint);
        failures.prepend(result.hintDetail);
    }
    out.detail = out.status == Status::Ok ? QString() : joined(failures);
}

QList<ConfigError> validateConditions(const Config& config)
{
    QList<ConfigError> errors;
    for (const ServiceConfig& service : config.services) {
        for (const CheckConfig& check : service.checks) {
            for (const ConditionSpec& spec : check.conditions) {
                QString why;
                if (!Condition::parse(spec.expression, &why))
                    errors << ConfigError { spec.where, u"invalid condition '" + spec.expression + u"': " + why };
            }
        }
    }
    return errors;
}

} // namespace hd
