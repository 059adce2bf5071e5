#include "monitor/flapping.h"

#include <QtTest>

using hd::FlapDetector;
using hd::Status;
using Change = hd::FlapDetector::Change;

namespace {

// Feeds one result per entry: 1 = a different status than the previous result
// (toggling ok/down), 0 = the same. Returns the change reported by the last one.
Change feedChanges(FlapDetector& d, Status& current, const QList<int>& changes)
{
    Change last = Change::None;
    for (int c : changes) {
        if (c)
            current = current == Status::Ok ? Status::Down : Status::Ok;
        last = d.feed(current);
    }
    return last;
}

} // namespace

class TestFlapping : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void steadyNeverFlaps();
    void alternatingStartsAtTheSeventhResult();
    void fullWindowIsNinetyNinePercent();
    void steadyAgainStops();
    void upperEdgeIsExclusive();
    void lowerEdgeIsExclusive();
    void anyStatusChangeCounts();
    void customThresholds();
    void resetForgets();
};

void TestFlapping::steadyNeverFlaps()
{
    FlapDetector d;
    QCOMPARE(d.observed(), 0);
    for (int i = 0; i < 50; ++i)
        QCOMPARE(d.feed(Status::Ok), Change::None);
    QCOMPARE(d.percent(), 0.0);
    QVERIFY(!d.isFlapping());
    QCOMPARE(d.observed(), 21);
}

void TestFlapping::alternatingStartsAtTheSeventhResult()
{
    // Weights of the newest changes: 1.18, 1.16, ... Six changes make
    // 5 * (1.18 + 1.16 + 1.14 + 1.12 + 1.10 + 1.08) = 33.9 %, five only 28.5 %.
    const double expected[] = { 0.0, 5.9, 11.7, 17.4, 23.0, 28.5, 33.9 };
    FlapDetector d;
    Status s = Status::Ok;
    for (int i = 0; i < 7; ++i) {
        const Change c = d.feed(s);
        QCOMPARE(d.percent(), expected[i]);
        QCOMPARE(c, i == 6 ? Change::Started : Change::None);
        s = s == Status::Ok ? Status::Down : Status::Ok;
    }
    QVERIFY(d.isFlapping());
    // Flapping is reported once, not on every further change.
    for (int i = 0; i < 10; ++i) {
        QCOMPARE(d.feed(s), Change::None);
        s = s == Status::Ok ? Status::Down : Status::Ok;
    }
    QVERIFY(d.isFlapping());
}

void TestFlapping::fullWindowIsNinetyNinePercent()
{
    FlapDetector d;
    Status s = Status::Ok;
    feedChanges(d, s, QList<int>(40, 1));
    QCOMPARE(d.percent(), 99.0); // 5 * (0.80 + 0.82 + ... + 1.18)
}

void TestFlapping::steadyAgainStops()
{
    FlapDetector d;
    Status s = Status::Ok;
    feedChanges(d, s, QList<int>(21, 1)); // first result + 20 changes: 99 %
    QCOMPARE(d.percent(), 99.0);
    // Each steady result ages every change by one step and drops the oldest.
    const double expected[] = { 93.1, 87.3, 81.6, 76.0, 70.5, 65.1, 59.8, 54.6, 49.5, 44.5, 39.6, 34.8, 30.1, 25.5 };
    for (double e : expected) {
        QCOMPARE(d.feed(s), Change::None);
        QCOMPARE(d.percent(), e);
        QVERIFY(d.isFlapping());
    }
    QCOMPARE(d.feed(s), Change::Stopped);
    QCOMPARE(d.percent(), 21.0);
    QVERIFY(!d.isFlapping());
    for (int i = 0; i < 6; ++i)
        QCOMPARE(d.feed(s), Change::None);
    QCOMPARE(d.percent(), 0.0);
}

void TestFlapping::upperEdgeIsExclusive()
{
    // Changes at ages 15, 13, 11, 9, 6 and 0 weigh 0.88 + 0.92 + 0.96 + 1.00 +
    // 1.06 + 1.18 = 6.00: exactly 30 %, which does not start flapping; nothing
    // earlier in the sequence comes near.
    FlapDetector d;
    Status s = Status::Ok;
    const QList<int> changes { 0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1 };
    QCOMPARE(feedChanges(d, s, changes), Change::None);
    QCOMPARE(d.percent(), 30.0);
    QVERIFY(!d.isFlapping());
    QCOMPARE(feedChanges(d, s, { 1 }), Change::Started);
    QCOMPARE(d.percent(), 35.3);
}

void TestFlapping::lowerEdgeIsExclusive()
{
    // One early change, then five in a row (33.1 %: flapping), then steady: the
    // share falls by 0.6 points per result until the oldest change drops out of
    // the window and it lands on exactly 25.0 %, which keeps flapping; the next
    // result takes it below.
    FlapDetector d;
    Status s = Status::Ok;
    const QList<int> start { 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1 };
    QCOMPARE(feedChanges(d, s, start), Change::Started);
    QCOMPARE(d.percent(), 33.1);
    const double expected[] = { 32.5, 31.9, 31.3, 30.7, 30.1, 29.5, 25.0 };
    for (double e : expected) {
        QCOMPARE(d.feed(s), Change::None);
        QCOMPARE(d.percent(), e);
        QVERIFY(d.isFlapping());
    }
    QCOMPARE(d.feed(s), Change::Stopped);
    QCOMPARE(d.percent(), 24.5);
}

void TestFlapping::anyStatusChangeCounts()
{
    FlapDetector d;
    d.feed(Status::Down);
    d.feed(Status::Stale);
    QCOMPARE(d.percent(), 5.9);
    d.feed(Status::Stale);
    QCOMPARE(d.percent(), 5.8);
    d.feed(Status::Unknown);
    QCOMPARE(d.percent(), 11.6); // 1.14 + 1.18
}

void TestFlapping::customThresholds()
{
    FlapDetector d(10.0, 20.0);
    QCOMPARE(d.lowThreshold(), 10.0);
    QCOMPARE(d.highThreshold(), 20.0);
    Status s = Status::Ok;
    // 4 changes: 23.0 % > 20 %.
    QCOMPARE(feedChanges(d, s, { 0, 1, 1, 1 }), Change::None);
    QCOMPARE(feedChanges(d, s, { 1 }), Change::Started);
    QCOMPARE(d.percent(), 23.0);

    // New thresholds keep the history and apply from the next result.
    d.setThresholds(50.0, 60.0);
    QCOMPARE(feedChanges(d, s, { 0 }), Change::Stopped);
    QCOMPARE(d.percent(), 22.6);
}

void TestFlapping::resetForgets()
{
    FlapDetector d;
    Status s = Status::Ok;
    feedChanges(d, s, QList<int>(21, 1));
    QVERIFY(d.isFlapping());
    d.reset();
    QVERIFY(!d.isFlapping());
    QCOMPARE(d.percent(), 0.0);
    QCOMPARE(d.observed(), 0);
    QCOMPARE(d.feed(Status::Down), Change::None); // first result after a reset: nothing to compare
    QCOMPARE(d.percent(), 0.0);
}

QTEST_GUILESS_MAIN(TestFlapping)
#include "tst_flapping.moc"
