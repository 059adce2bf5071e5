// CheckEvaluator keeps the last body it recognised: the same bytes poll after poll
// are not recognised again. These tests hold it to giving what a fresh evaluator gives.
#include "health/evaluator.h"

#include <QtTest>

using hd::CheckEvaluator;
using hd::ProbeResult;
using hd::Status;

namespace {

hd::CheckConfig httpCheck(const QStringList& conditions = {})
{
    hd::CheckConfig check;
    check.service = QStringLiteral("svc");
    check.name = QStringLiteral("health");
    check.kind = hd::ProbeKind::Http;
    for (const QString& expression : conditions)
        check.conditions.append(hd::ConditionSpec { expression, false, {} });
    return check;
}

ProbeResult response(int status, const QByteArray& body, const QByteArray& contentType = "application/json")
{
    ProbeResult r;
    r.outcome = ProbeResult::Outcome::Completed;
    r.connected = true;
    r.status = status;
    r.body = body;
    r.contentType = contentType;
    return r;
}

} // namespace

class TestEvaluatorRepeat : public QObject {
    Q_OBJECT
private slots:
    void sequenceMatchesFreshEvaluators();
};

void TestEvaluatorRepeat::sequenceMatchesFreshEvaluators()
{
    const QByteArray up = R"({"status":"UP"})";
    const QByteArray down = R"({"status":"DOWN","components":{"db":{"status":"DOWN","details":{"error":"refused"}}}})";
    QByteArray large = R"({"status":"UP","details":{"padding":")";
    large += QByteArray(8000, 'x') + R"("}})";
    const QList<ProbeResult> sequence = {
        response(200, up),
        response(200, up), // the same bytes again
        response(503, down),
        response(503, down),
        response(200, down), // same body, other HTTP status
        response(200, up, "text/plain"), // same body, other content type
        response(200, large), // too large to keep
        response(200, large),
        response(200, "Healthy", "text/plain"),
        response(200, up),
        response(503, up),
    };
    for (const QStringList& conditions : { QStringList(), QStringList { QStringLiteral("[STATUS] == 200") } }) {
        const CheckEvaluator kept(httpCheck(conditions));
        for (qsizetype i = 0; i < sequence.size(); ++i) {
            const hd::CheckEvaluation got = kept.evaluate(sequence[i], QDateTime::currentDateTimeUtc(), nullptr);
            const hd::CheckEvaluation fresh
                = CheckEvaluator(httpCheck(conditions)).evaluate(sequence[i], QDateTime::currentDateTimeUtc(), nullptr);
            const QString where = QStringLiteral("step %1, conditions %2").arg(i).arg(conditions.join(u", "));
            QVERIFY2(got.status == fresh.status, qPrintable(where));
            QVERIFY2(got.detail == fresh.detail, qPrintable(where + u": " + got.detail + u" / " + fresh.detail));
            QVERIFY2(got.format == fresh.format, qPrintable(where));
            QVERIFY2(got.items.size() == fresh.items.size(), qPrintable(where));
        }
    }
    // And the sequence really moves: the verdicts are not all alike.
    const CheckEvaluator evaluator(httpCheck());
    const auto now = QDateTime::currentDateTimeUtc();
    QCOMPARE(evaluator.evaluate(sequence[0], now, nullptr).status, Status::Ok);
    QCOMPARE(evaluator.evaluate(sequence[2], now, nullptr).status, Status::Down);
    QCOMPARE(evaluator.evaluate(sequence[0], now, nullptr).status, Status::Ok);
    QCOMPARE(evaluator.evaluate(sequence[0], now, nullptr).format, QStringLiteral("spring"));
}

QTEST_GUILESS_MAIN(TestEvaluatorRepeat)
#include "tst_evaluatorrepeat.moc"
