#include "metrics/checkmetrics.h"

#include <QtTest>

using namespace hd;
using namespace Qt::StringLiterals;

namespace {

RowState row(const QString& service, const QString& check, Status status, bool fresh = true)
{
    RowState r;
    r.service = service;
    r.check = check;
    r.key = service + u'/' + check;
    r.group = u"core"_s;
    r.status = status;
    r.rawStatus = status;
    r.latencyMs = 250;
    r.freshResult = fresh;
    return r;
}

QByteArrayList lines(const QByteArray& text)
{
    return text.split('\n');
}

} // namespace

class TestCheckMetrics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void statusIsOneHotOverTheSixStatuses()
    {
        CheckMetrics m;
        m.update({ row(u"api"_s, u"health"_s, Status::Down) });
        const QByteArray text = m.render(CheckMetrics::Format::Text004);
        int ones = 0;
        int zeros = 0;
        for (const QByteArray& line : lines(text)) {
            if (!line.startsWith("healthdeck_check_status{"))
                continue;
            QVERIFY2(line.contains("service=\"api\",check=\"health\",group=\"core\",item=\"\""), line.constData());
            if (line.endsWith(" 1")) {
                ++ones;
                QVERIFY(line.contains("status=\"down\""));
            } else {
                QVERIFY(line.endsWith(" 0"));
                ++zeros;
            }
        }
        QCOMPARE(ones, 1);
        QCOMPARE(zeros, 5);
    }

    void countersCountResultsAndChanges()
    {
        CheckMetrics m;
        m.update({ row(u"api"_s, u"health"_s, Status::Ok) });
        m.update({ row(u"api"_s, u"health"_s, Status::Ok) });
        m.update({ row(u"api"_s, u"health"_s, Status::Ok, false) }); // an overlay change: no new result
        m.update({ row(u"api"_s, u"health"_s, Status::Down) });
        StateChange change;
        change.time = QDateTime::fromMSecsSinceEpoch(1796000000500LL, Qt::UTC);
        change.service = u"api"_s;
        change.check = u"health"_s;
        change.to = Status::Down;
        m.noteStateChange(change);
        const QByteArray text = m.render(CheckMetrics::Format::Text004);
        QVERIFY(text.contains("# TYPE healthdeck_check_results_total counter\n"));
        QVERIFY(text.contains("healthdeck_check_results_total{service=\"api\",check=\"health\",group=\"core\",item="
                              "\"\",result=\"ok\"} 2\n"));
        QVERIFY(text.contains("healthdeck_check_results_total{service=\"api\",check=\"health\",group=\"core\",item="
                              "\"\",result=\"down\"} 1\n"));
        QVERIFY(text.contains(
            "healthdeck_check_state_changes_total{service=\"api\",check=\"health\",group=\"core\",item=\"\"} 1\n"));
        QVERIFY(text.contains("healthdeck_check_last_change_timestamp_seconds{service=\"api\",check=\"health\",group="
                              "\"core\",item=\"\"} 1796000000.5\n"));
        QVERIFY(text.contains(
            "healthdeck_check_duration_seconds{service=\"api\",check=\"health\",group=\"core\",item=\"\"} 0.25\n"));
        QVERIFY(text.contains("healthdeck_build_info{version=\"" HEALTHDECK_VERSION "\"} 1\n"));
        QVERIFY(!text.contains("# EOF"));
    }

    void openMetricsNamesFamiliesWithoutSuffixesAndEnds()
    {
        CheckMetrics m;
        m.update({ row(u"api"_s, u"health"_s, Status::Ok) });
        const QByteArray text = m.render(CheckMetrics::Format::OpenMetrics);
        QVERIFY(text.contains("# TYPE healthdeck_check_results counter\n"));
        QVERIFY(text.contains("healthdeck_check_results_total{"));
        QVERIFY(text.contains("# TYPE healthdeck_build info\n"));
        QVERIFY(text.endsWith("# EOF\n"));
        QCOMPARE(CheckMetrics::negotiate("application/openmetrics-text; version=1.0.0,text/plain;q=0.5"),
            CheckMetrics::Format::OpenMetrics);
        QCOMPARE(CheckMetrics::negotiate("text/plain"), CheckMetrics::Format::Text004);
        QCOMPARE(CheckMetrics::negotiate(""), CheckMetrics::Format::Text004);
    }

    void labelValuesAreEscapedAndRemovedRowsGo()
    {
        CheckMetrics m;
        RowState r = row(u"a\"b"_s, u"c\\d"_s, Status::Ok);
        r.item = u"line\nbreak"_s;
        r.key = u"x"_s;
        m.update({ r, row(u"api"_s, u"gone"_s, Status::Ok) });
        m.remove({ u"api/gone"_s });
        const QByteArray text = m.render(CheckMetrics::Format::Text004);
        QVERIFY2(text.contains("service=\"a\\\"b\",check=\"c\\\\d\",group=\"core\",item=\"line\\nbreak\""),
            text.constData());
        QVERIFY(!text.contains("gone"));
    }
};

QTEST_GUILESS_MAIN(TestCheckMetrics)
#include "tst_checkmetrics.moc"
