#include "models/latencyring.h"

#include <QTest>
#include <cmath>

using namespace hd;

class TestLatencyRing : public QObject {
    Q_OBJECT

private slots:
    void keepsOrderBeforeFull();
    void dropsOldestWhenFull();
    void failedIsNan();
    void clearEmpties();
};

void TestLatencyRing::keepsOrderBeforeFull()
{
    LatencyRing ring(5);
    ring.add(1, 10, false);
    ring.add(2, 20, false);
    QCOMPARE(ring.size(), 2);
    QCOMPARE(ring.points(), (QList<QPointF> { { 1, 10 }, { 2, 20 } }));
}

void TestLatencyRing::dropsOldestWhenFull()
{
    LatencyRing ring(3);
    for (int i = 1; i <= 7; ++i)
        ring.add(i, i * 10, false);
    QCOMPARE(ring.size(), 3);
    QCOMPARE(ring.capacity(), 3);
    QCOMPARE(ring.points(), (QList<QPointF> { { 5, 50 }, { 6, 60 }, { 7, 70 } }));
}

void TestLatencyRing::failedIsNan()
{
    LatencyRing ring(2);
    ring.add(1, 3, true);
    QVERIFY(std::isnan(ring.points().first().y()));
    QCOMPARE(ring.points().first().x(), 1.0);
}

void TestLatencyRing::clearEmpties()
{
    LatencyRing ring(2);
    ring.add(1, 1, false);
    ring.clear();
    QCOMPARE(ring.size(), 0);
    QVERIFY(ring.points().isEmpty());
    LatencyRing tiny(0); // at least one slot
    tiny.add(1, 1, false);
    QCOMPARE(tiny.size(), 1);
}

QTEST_GUILESS_MAIN(TestLatencyRing)
#include "tst_latencyring.moc"
