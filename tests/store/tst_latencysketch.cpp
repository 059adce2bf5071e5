#include "store/latencysketch.h"

#include <QRandomGenerator>
#include <QTest>
#include <algorithm>
#include <cmath>

class TestLatencySketch final : public QObject {
    Q_OBJECT

private slots:
    void percentilesWithinOnePercent_data();
    void percentilesWithinOnePercent();
    void mergeEqualsOneSketch();
    void encodeRoundTrip();
    void malformedBytesDecodeEmpty_data();
    void malformedBytesDecodeEmpty();
};

void TestLatencySketch::percentilesWithinOnePercent_data()
{
    QTest::addColumn<QList<double>>("latencies");
    QList<double> uniform;
    for (int i = 1; i <= 1000; ++i)
        uniform << i * 0.37;
    QTest::newRow("uniform 0.37..370 ms") << uniform;
    QList<double> skewed;
    QRandomGenerator gen(7);
    for (int i = 0; i < 3600; ++i)
        skewed << std::exp(gen.generateDouble() * 8.0) * 0.05; // 0.05 ms .. 150 ms, log-uniform
    QTest::newRow("log-uniform, an hour at 1 s") << skewed;
    QTest::newRow("all equal") << QList<double>(500, 12.5);
}

void TestLatencySketch::percentilesWithinOnePercent()
{
    QFETCH(QList<double>, latencies);
    hd::LatencySketch sketch;
    for (double v : latencies)
        sketch.add(v);
    QCOMPARE(sketch.count(), latencies.size());
    std::sort(latencies.begin(), latencies.end());
    for (double p : { 50.0, 95.0, 99.0 }) {
        const double exact = latencies.at(qsizetype(std::ceil(p / 100 * double(latencies.size()))) - 1);
        const double approx = sketch.percentile(p);
        // 1 % for the bucket width, plus the microsecond rounding of tiny values.
        QVERIFY2(qAbs(approx - exact) <= exact * 0.0101 + 0.001,
            qPrintable(QStringLiteral("p%1: %2 vs exact %3").arg(p).arg(approx).arg(exact)));
    }
}

void TestLatencySketch::mergeEqualsOneSketch()
{
    hd::LatencySketch whole;
    hd::LatencySketch a;
    hd::LatencySketch b;
    for (int i = 0; i < 120; ++i) {
        const double v = 1 + (i * 37) % 200;
        whole.add(v);
        (i % 2 ? a : b).add(v);
    }
    a.merge(b);
    QCOMPARE(a.count(), whole.count());
    QCOMPARE(a.encode(), whole.encode());
    QCOMPARE(hd::LatencySketch().percentile(50), 0.0);
}

void TestLatencySketch::encodeRoundTrip()
{
    hd::LatencySketch sketch;
    for (double v : { 0.0, 0.0004, 0.5, 3.0, 3.0, 250.0, 90'000.0 })
        sketch.add(v);
    sketch.add(42.0, 1000);
    const QByteArray bytes = sketch.encode();
    QVERIFY(bytes.size() < 30); // a handful of varints
    const hd::LatencySketch back = hd::LatencySketch::decode(bytes);
    QCOMPARE(back.count(), 1007);
    QCOMPARE(back.encode(), bytes);
    QCOMPARE(back.percentile(50), sketch.percentile(50));
    QCOMPARE(back.percentile(0.1), 0.0); // the two lowest, zero and 0.4 us, share a bucket of their own
}

void TestLatencySketch::malformedBytesDecodeEmpty_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("truncated varint") << QByteArray("\x81", 1);
    QTest::newRow("missing count") << QByteArray("\x02", 1);
    QTest::newRow("zero delta") << QByteArray("\x00\x01", 2);
}

void TestLatencySketch::malformedBytesDecodeEmpty()
{
    QFETCH(QByteArray, bytes);
    QCOMPARE(hd::LatencySketch::decode(bytes).count(), 0);
}

QTEST_GUILESS_MAIN(TestLatencySketch)
#include "tst_latencysketch.moc"
