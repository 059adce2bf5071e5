#include "monitor/dependencygraph.h"

#include <QtTest>

using hd::DependencyGraph;
using hd::Status;

namespace {

using Edges = QList<QPair<QString, QStringList>>;

// Services in the given order, each with its depends_on list.
hd::Config configOf(const Edges& edges)
{
    hd::Config config;
    for (const auto& [name, deps] : edges) {
        hd::ServiceConfig s;
        s.name = name;
        s.dependsOn = deps;
        config.services.append(s);
    }
    return config;
}

QString s(const char* name)
{
    return QString::fromLatin1(name);
}

QStringList list(std::initializer_list<const char*> names)
{
    QStringList out;
    for (const char* n : names)
        out.append(s(n));
    return out;
}

QHash<QString, Status> statuses(std::initializer_list<std::pair<const char*, Status>> items)
{
    QHash<QString, Status> out;
    for (const auto& [name, status] : items)
        out.insert(s(name), status);
    return out;
}

// a -> b -> c
DependencyGraph chain()
{
    return DependencyGraph(configOf({ { s("a"), list({ "b" }) }, { s("b"), list({ "c" }) }, { s("c"), {} } }));
}

// a -> b, a -> c, b -> d, c -> d
DependencyGraph diamond()
{
    return DependencyGraph(configOf(
        { { s("a"), list({ "b", "c" }) }, { s("b"), list({ "d" }) }, { s("c"), list({ "d" }) }, { s("d"), {} } }));
}

} // namespace

class TestDependencyGraph : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void structure();
    void allHealthy();
    void chainDeepestFailureIsRoot();
    void chainMiddleFailure();
    void chainTopFailureImpactsNobody();
    void impactCrossesHealthyServices();
    void diamondSharedRoot();
    void diamondTwoRootsTieGoesToName();
    void nearestRootWins();
    void rootsSortedByImpactThenName();
    void whichStatusesCountAsFailing_data();
    void whichStatusesCountAsFailing();
    void cycles_data();
    void cycles();
    void failingCycleStillReported();
    void missingDependencies();
    void longChain();
};

void TestDependencyGraph::structure()
{
    const DependencyGraph g = diamond();
    QCOMPARE(g.services(), list({ "a", "b", "c", "d" }));
    QCOMPARE(g.dependenciesOf(s("a")), list({ "b", "c" }));
    QCOMPARE(g.dependentsOf(s("d")), list({ "b", "c" }));
    QVERIFY(g.dependenciesOf(s("d")).isEmpty());
    QVERIFY(g.dependentsOf(s("nobody")).isEmpty());
    QVERIFY(g.contains(s("c")));
    QVERIFY(!g.contains(s("x")));
    QVERIFY(!g.hasCycle());
    QVERIFY(g.cycle().isEmpty());
}

void TestDependencyGraph::allHealthy()
{
    const auto impact = diamond().impact(statuses({ { "a", Status::Ok }, { "b", Status::Ok }, { "d", Status::Ok } }));
    QVERIFY(impact.impactedBy.isEmpty());
    QVERIFY(impact.roots.isEmpty());
    QVERIFY(DependencyGraph().impact({}).roots.isEmpty());
}

void TestDependencyGraph::chainDeepestFailureIsRoot()
{
    const auto impact
        = chain().impact(statuses({ { "a", Status::Down }, { "b", Status::Down }, { "c", Status::Down } }));
    QCOMPARE(impact.roots, list({ "c" }));
    QCOMPARE(impact.rootOf(s("a")), s("c"));
    QCOMPARE(impact.rootOf(s("b")), s("c"));
    QVERIFY(!impact.isImpacted(s("c")));
    QCOMPARE(impact.impactedServices(s("c")), list({ "a", "b" }));

    const auto twoDown
        = chain().impact(statuses({ { "a", Status::Ok }, { "b", Status::Down }, { "c", Status::Down } }));
    QCOMPARE(twoDown.roots, list({ "c" }));
    QCOMPARE(twoDown.rootOf(s("a")), s("c"));
    QCOMPARE(twoDown.rootOf(s("b")), s("c"));
}

void TestDependencyGraph::chainMiddleFailure()
{
    const auto impact = chain().impact(statuses({ { "a", Status::Down }, { "b", Status::Down }, { "c", Status::Ok } }));
    QCOMPARE(impact.roots, list({ "b" }));
    QCOMPARE(impact.rootOf(s("a")), s("b"));
    QVERIFY(!impact.isImpacted(s("b")));
    QVERIFY(!impact.isImpacted(s("c")));
}

void TestDependencyGraph::chainTopFailureImpactsNobody()
{
    const auto impact = chain().impact(statuses({ { "a", Status::Down } }));
    QCOMPARE(impact.roots, list({ "a" }));
    QVERIFY(impact.impactedBy.isEmpty());
}

void TestDependencyGraph::impactCrossesHealthyServices()
{
    // b still answers ok, but what it depends on is down: a is impacted through it.
    const auto impact = chain().impact(statuses({ { "a", Status::Down }, { "b", Status::Ok }, { "c", Status::Down } }));
    QCOMPARE(impact.roots, list({ "c" }));
    QCOMPARE(impact.rootOf(s("a")), s("c"));
    QCOMPARE(impact.rootOf(s("b")), s("c"));
}

void TestDependencyGraph::diamondSharedRoot()
{
    const auto impact = diamond().impact(
        statuses({ { "a", Status::Down }, { "b", Status::Down }, { "c", Status::Down }, { "d", Status::Down } }));
    QCOMPARE(impact.roots, list({ "d" }));
    QCOMPARE(impact.impactedServices(s("d")), list({ "a", "b", "c" }));
}

void TestDependencyGraph::diamondTwoRootsTieGoesToName()
{
    const auto impact
        = diamond().impact(statuses({ { "c", Status::Down }, { "b", Status::Stale }, { "d", Status::Ok } }));
    QCOMPARE(impact.roots, list({ "b", "c" }));
    QCOMPARE(impact.rootOf(s("a")), s("b")); // both one hop away: the first name
    QCOMPARE(impact.impactedBy.size(), 1);
}

void TestDependencyGraph::nearestRootWins()
{
    // a -> b -> c and a -> z: with c and z down, z is one hop from a, c two.
    const DependencyGraph g(
        configOf({ { s("a"), list({ "b", "z" }) }, { s("b"), list({ "c" }) }, { s("c"), {} }, { s("z"), {} } }));
    const auto impact = g.impact(statuses({ { "c", Status::Down }, { "z", Status::Down } }));
    QCOMPARE(impact.rootOf(s("a")), s("z"));
    QCOMPARE(impact.rootOf(s("b")), s("c"));
}

void TestDependencyGraph::rootsSortedByImpactThenName()
{
    // m impacts three services, b and k one each, x none.
    const DependencyGraph g(
        configOf({ { s("p"), list({ "m" }) }, { s("q"), list({ "m" }) }, { s("r"), list({ "q" }) }, { s("m"), {} },
            { s("y"), list({ "k" }) }, { s("k"), {} }, { s("w"), list({ "b" }) }, { s("b"), {} }, { s("x"), {} } }));
    const auto impact = g.impact(
        statuses({ { "m", Status::Down }, { "k", Status::Down }, { "b", Status::Down }, { "x", Status::Down } }));
    QCOMPARE(impact.roots, list({ "m", "b", "k", "x" }));
    QCOMPARE(impact.impactedServices(s("m")), list({ "p", "q", "r" }));
}

void TestDependencyGraph::whichStatusesCountAsFailing_data()
{
    QTest::addColumn<Status>("status");
    QTest::addColumn<bool>("failing");
    QTest::newRow("down") << Status::Down << true;
    QTest::newRow("stale") << Status::Stale << true;
    QTest::newRow("unknown: could not judge, blames nobody") << Status::Unknown << false;
    QTest::newRow("degraded: a warning") << Status::Degraded << false;
    QTest::newRow("starting") << Status::Starting << false;
    QTest::newRow("ok") << Status::Ok << false;
}

void TestDependencyGraph::whichStatusesCountAsFailing()
{
    QFETCH(Status, status);
    QFETCH(bool, failing);
    QCOMPARE(hd::isDependencyFailure(status), failing);
    QHash<QString, Status> st;
    st.insert(s("c"), status);
    const auto impact = chain().impact(st);
    QCOMPARE(impact.isImpacted(s("a")), failing);
    QCOMPARE(impact.roots, failing ? list({ "c" }) : QStringList());
}

void TestDependencyGraph::cycles_data()
{
    QTest::addColumn<Edges>("edges");
    QTest::addColumn<QStringList>("cycle");

    QTest::newRow("three services") << Edges { { s("a"), list({ "b" }) }, { s("b"), list({ "c" }) },
        { s("c"), list({ "a" }) } } << list({ "a", "b", "c", "a" });
    QTest::newRow("self dependency") << Edges { { s("a"), {} }, { s("b"), list({ "b" }) } } << list({ "b", "b" });
    QTest::newRow("cycle below an acyclic part") << Edges { { s("top"), list({ "x" }) },
        { s("x"), list({ "y", "ok" }) }, { s("ok"), {} }, { s("y"), list({ "z" }) }, { s("z"), list({ "x" }) } }
                                                 << list({ "x", "y", "z", "x" });
    QTest::newRow("diamond is no cycle") << Edges { { s("a"), list({ "b", "c" }) }, { s("b"), list({ "d" }) },
        { s("c"), list({ "d" }) }, { s("d"), {} } }
                                         << QStringList();
    QTest::newRow("dependency listed before its service")
        << Edges { { s("a"), list({ "b" }) }, { s("b"), {} } } << QStringList();
}

void TestDependencyGraph::cycles()
{
    QFETCH(Edges, edges);
    QFETCH(QStringList, cycle);
    const DependencyGraph g(configOf(edges));
    QCOMPARE(g.cycle(), cycle);
    QCOMPARE(g.hasCycle(), !cycle.isEmpty());
}

void TestDependencyGraph::failingCycleStillReported()
{
    // A broken config must not hang the engine or swallow failures.
    const DependencyGraph g(
        configOf({ { s("top"), list({ "a" }) }, { s("a"), list({ "b" }) }, { s("b"), list({ "a" }) } }));
    QVERIFY(g.hasCycle());
    const auto both = g.impact(statuses({ { "a", Status::Down }, { "b", Status::Down } }));
    QCOMPARE(both.roots, list({ "a", "b" }));
    QCOMPARE(both.rootOf(s("top")), s("a"));

    // One failing member is an ordinary root; the other member of the cycle is impacted.
    const auto one = g.impact(statuses({ { "b", Status::Down } }));
    QCOMPARE(one.roots, list({ "b" }));
    QCOMPARE(one.rootOf(s("a")), s("b"));
    QCOMPARE(one.rootOf(s("top")), s("b"));
}

void TestDependencyGraph::missingDependencies()
{
    const DependencyGraph g(configOf({ { s("a"), list({ "ghost", "b" }) }, { s("b"), {} } }));
    QCOMPARE(g.missingDependencies().size(), 1);
    QCOMPARE(g.missingDependencies().first(), qMakePair(s("a"), s("ghost")));
    QCOMPARE(g.dependenciesOf(s("a")), list({ "b" }));
    // Statuses of services outside the graph are ignored.
    const auto impact = g.impact(statuses({ { "ghost", Status::Down } }));
    QVERIFY(impact.roots.isEmpty());
}

void TestDependencyGraph::longChain()
{
    // The walks are iterative and linear: a long chain neither overflows the stack nor crawls.
    constexpr int n = 10000;
    Edges edges;
    for (int i = 0; i < n; ++i)
        edges.append({ QString::number(i), i + 1 < n ? QStringList { QString::number(i + 1) } : QStringList() });
    DependencyGraph g(configOf(edges));
    QVERIFY(!g.hasCycle());
    QHash<QString, Status> st;
    st.insert(QString::number(n - 1), Status::Down);
    st.insert(QString::number(n / 2), Status::Down);
    auto impact = g.impact(st);
    QCOMPARE(impact.roots, QStringList { QString::number(n - 1) });
    QCOMPARE(impact.impactedBy.size(), n - 1);
    QCOMPARE(impact.rootOf(QStringLiteral("0")), QString::number(n - 1));

    edges.last().second = QStringList { QStringLiteral("0") };
    DependencyGraph looped(configOf(edges));
    QVERIFY(looped.hasCycle());
    QCOMPARE(looped.cycle().size(), n + 1);
    QCOMPARE(looped.cycle().first(), QStringLiteral("0"));
    QCOMPARE(looped.cycle().last(), QStringLiteral("0"));
}

QTEST_GUILESS_MAIN(TestDependencyGraph)
#include "tst_dependencygraph.moc"
