#include "models/plotmath.h"

#include <QTest>
#include <cmath>
#include <functional>
#include <limits>

using namespace hd;

namespace {

QList<QPointF> series(int n, const std::function<double(int)>& y)
{
    QList<QPointF> out;
    out.reserve(n);
    for (int i = 0; i < n; ++i)
        out << QPointF(i, y(i));
    return out;
}

} // namespace

class TestPlotMath : public QObject {
    Q_OBJECT

private slots:
    void scaleMapsBothWays_data();
    void scaleMapsBothWays();
    void scaleWithEmptyDomainMapsToMiddle();
    void minMaxKeepsSpikes();
    void minMaxBudget_data();
    void minMaxBudget();
    void minMaxSmallInputUnchanged();
    void minMaxDropsNan();
    void lttbKeepsShapeAndEnds();
    void lttbSmallInputUnchanged();
};

void TestPlotMath::scaleMapsBothWays_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<double>("pixel");
    QTest::newRow("domain start -> left edge") << 1000.0 << 10.0;
    QTest::newRow("domain end -> right edge") << 2000.0 << 110.0;
    QTest::newRow("middle") << 1500.0 << 60.0;
    QTest::newRow("beyond the end extrapolates") << 2500.0 << 160.0;
}

void TestPlotMath::scaleMapsBothWays()
{
    QFETCH(double, value);
    QFETCH(double, pixel);
    const LinearScale s { 1000, 2000, 10, 110 };
    QCOMPARE(s.map(value), pixel);
    QCOMPARE(s.invert(pixel), value);
    // An inverted pixel range (y grows downwards) works the same way.
    const LinearScale y { 0, 100, 50, 0 };
    QCOMPARE(y.map(25), 37.5);
    QCOMPARE(y.invert(37.5), 25.0);
}

void TestPlotMath::scaleWithEmptyDomainMapsToMiddle()
{
    const LinearScale s { 5, 5, 0, 100 };
    QCOMPARE(s.map(5), 50.0);
    QCOMPARE(s.map(1e9), 50.0);
    const LinearScale flat { 0, 10, 7, 7 };
    QCOMPARE(flat.invert(7), 5.0);
}

void TestPlotMath::minMaxKeepsSpikes()
{
    // 86,400 flat samples with one spike up and one dip down: both must survive 400 buckets.
    QList<QPointF> points = series(86400, [](int) { return 20.0; });
    points[40000].setY(5000);
    points[70001].setY(0.5);
    const QList<QPointF> out = downsampleMinMax(points, 400);
    QVERIFY(out.size() <= 2 * 400 + 2);
    double hi = 0, lo = 1e9;
    for (const QPointF& p : out) {
        hi = qMax(hi, p.y());
        lo = qMin(lo, p.y());
    }
    QCOMPARE(hi, 5000.0);
    QCOMPARE(lo, 0.5);
    QCOMPARE(out.first(), points.first());
    QCOMPARE(out.last(), points.last());
    for (qsizetype i = 1; i < out.size(); ++i)
        QVERIFY2(out.at(i).x() > out.at(i - 1).x(), "points stay in x order, without duplicates");
}

void TestPlotMath::minMaxBudget_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("buckets");
    QTest::newRow("24 h at 1 s into 1000 px") << 86400 << 1000;
    QTest::newRow("7 d of minutes into 300 px") << 10080 << 300;
    QTest::newRow("one bucket") << 1000 << 1;
}

void TestPlotMath::minMaxBudget()
{
    QFETCH(int, count);
    QFETCH(int, buckets);
    const QList<QPointF> points = series(count, [](int i) { return std::sin(i / 50.0) * 100 + 200; });
    const QList<QPointF> out = downsampleMinMax(points, buckets);
    QVERIFY(out.size() <= 2 * buckets + 2);
    QVERIFY(out.size() >= qMin(count, buckets));
}

void TestPlotMath::minMaxSmallInputUnchanged()
{
    const QList<QPointF> points = series(10, [](int i) { return i * i; });
    QCOMPARE(downsampleMinMax(points, 100), points);
    QCOMPARE(downsampleMinMax({}, 100), QList<QPointF>());
}

void TestPlotMath::minMaxDropsNan()
{
    QList<QPointF> points = series(5, [](int i) { return i; });
    points[2].setY(std::numeric_limits<double>::quiet_NaN());
    const QList<QPointF> out = downsampleMinMax(points, 100);
    QCOMPARE(out.size(), 4);
    for (const QPointF& p : out)
        QVERIFY(!std::isnan(p.y()));
}

void TestPlotMath::lttbKeepsShapeAndEnds()
{
    QList<QPointF> points = series(10000, [](int) { return 10.0; });
    points[5000].setY(900);
    const QList<QPointF> out = downsampleLttb(points, 200);
    QCOMPARE(out.size(), 200);
    QCOMPARE(out.first(), points.first());
    QCOMPARE(out.last(), points.last());
    bool spike = false;
    for (const QPointF& p : out)
        spike = spike || p.y() == 900;
    QVERIFY(spike);
}

void TestPlotMath::lttbSmallInputUnchanged()
{
    const QList<QPointF> points = series(50, [](int i) { return i; });
    QCOMPARE(downsampleLttb(points, 100), points);
    QCOMPARE(downsampleLttb(points, 2), points); // a threshold under 3 cannot keep a shape
}

QTEST_GUILESS_MAIN(TestPlotMath)
#include "tst_plotmath.moc"
