// The probe factory's shared resources must never let one check's TLS settings
// vouch for another check's connection to the same host.
#include "probes/httpclient.h"
#include "probes/probe.h"
#include "probing/probefactory.h"
#include "support/tlsfixture.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>

using Outcome = hd::ProbeResult::Outcome;
using hd::ProbeResult;

class TestProbeFactory : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void tlsSettingsAreNotShared_data();
    void tlsSettingsAreNotShared();
    void httpClientPerTlsSetting();
    void fileWorkersGoWithTheFactory();

private:
    ProbeResult run(hd::ProbeFactory& factory, const hd::CheckConfig& check);
    std::unique_ptr<hdtest::TlsFixture> m_tls;
};

void TestProbeFactory::initTestCase()
{
    m_tls = std::make_unique<hdtest::TlsFixture>();
    QVERIFY2(m_tls->isValid(), qPrintable(m_tls->errorString()));
}

ProbeResult TestProbeFactory::run(hd::ProbeFactory& factory, const hd::CheckConfig& check)
{
    std::unique_ptr<hd::Probe> probe(factory.create(check, nullptr));
    QSignalSpy spy(probe.get(), &hd::Probe::finished);
    probe->start();
    if (!spy.wait(check.timeoutMs + 3000))
        return {};
    return spy.first().first().value<ProbeResult>();
}

void TestProbeFactory::tlsSettingsAreNotShared_data()
{
    QTest::addColumn<QString>("first"); // how the first check trusts the server: ca | insecure
    QTest::newRow("after a check trusting a custom CA") << QStringLiteral("ca");
    QTest::newRow("after an insecure check") << QStringLiteral("insecure");
}

void TestProbeFactory::tlsSettingsAreNotShared()
{
    QFETCH(QString, first);
    hdtest::TlsHttpServer server(*m_tls, false);
    QVERIFY2(server.listen(), qPrintable(server.errorString()));
    hd::Config config;
    hd::ProbeFactory factory(config);

    hd::CheckConfig trusting;
    trusting.service = QStringLiteral("svc");
    trusting.name = QStringLiteral("trusting");
    trusting.kind = hd::ProbeKind::Http;
    trusting.timeoutMs = 3000;
    trusting.http.url = server.url(QStringLiteral("/health"));
    if (first == u"ca")
        trusting.http.tls.caFile = m_tls->caFile();
    else
        trusting.http.tls.insecure = true;
    hd::CheckConfig strict = trusting;
    strict.name = QStringLiteral("strict");
    strict.http.tls = {};

    for (int round = 0; round < 2; ++round) {
        const ProbeResult ok = run(factory, trusting);
        QVERIFY2(ok.outcome == Outcome::Completed, qPrintable(hd::outcomeName(ok.outcome) + u": " + ok.error));
        // The server's CA is not in the system store: a check without TLS options must refuse it every time.
        const ProbeResult refused = run(factory, strict);
        QVERIFY2(
            refused.outcome == Outcome::TlsError, qPrintable(hd::outcomeName(refused.outcome) + u": " + refused.error));
    }
}

void TestProbeFactory::httpClientPerTlsSetting()
{
    hd::ProbeFactory factory { hd::Config {} };
    hd::TlsClientConfig ca;
    ca.caFile = m_tls->caFile();
    hd::TlsClientConfig insecure;
    insecure.insecure = true;
    hd::HttpClient* plain = factory.httpClientFor({});
    QVERIFY(plain);
    QCOMPARE(factory.httpClientFor({}), plain);
    QCOMPARE(factory.httpClientFor(ca), factory.httpClientFor(ca));
    QVERIFY(factory.httpClientFor(ca) != plain);
    QVERIFY(factory.httpClientFor(insecure) != plain);
    QVERIFY(factory.httpClientFor(insecure) != factory.httpClientFor(ca));
}

void TestProbeFactory::fileWorkersGoWithTheFactory()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    hd::CheckConfig check;
    check.service = QStringLiteral("host");
    check.name = QStringLiteral("file");
    check.kind = hd::ProbeKind::File;
    check.timeoutMs = 2000;
    check.settings<hd::FileProbeConfig>().path = dir.path();

    auto factory = std::make_unique<hd::ProbeFactory>(hd::Config {});
    const QPointer<QThreadPool> workers = factory->fileWorkers();
    QVERIFY(workers);
    const ProbeResult r = run(*factory, check);
    QCOMPARE(r.outcome, Outcome::Completed);
    QCOMPARE(r.statusHint, std::optional<hd::Status>(hd::Status::Ok));
    factory.reset();
    QVERIFY(workers.isNull()); // no pool outlives its factory when no worker is stuck
}

QTEST_GUILESS_MAIN(TestProbeFactory)
#include "tst_probefactory.moc"
