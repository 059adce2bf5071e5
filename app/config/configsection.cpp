#include "configsection.h"

#include "config/configvalues.h"

#include <QRegularExpression>
#include <algorithm>

namespace hd::configparse {

QStringList keys(const char* spaceSeparated)
{
    return QString::fromLatin1(spaceSeparated).split(u' ');
}

QString quoted(const QString& text)
{
    return u'\'' + text + u'\'';
}

// "http", "http and tcp", "http, tcp and file"
QString andList(const QStringList& items)
{
    if (items.size() <= 1)
        return items.value(0);
    return items.first(items.size() - 1).join(u", ") + u" and " + items.last();
}

QString didYouMean(const QString& word, const QStringList& candidates)
{
    const QString guess = closestMatch(word, candidates);
    return guess.isEmpty() ? QString() : u"; did you mean '" + guess + u"'?";
}

QString lineOf(const SourceLocation& where)
{
    return u"(first at line " + QString::number(where.line) + u')';
}

const QStringList& probeKeys()
{
    static const QStringList k = keys("http redis tcp file exec prometheus");
    return k;
}

ConfigSection::ConfigSection(ConfigLoadState& state)
    : m_state(state)
    , m_yaml(state.yaml)
    , m_dir(state.dir)
    , m_cfg(state.cfg)
{
}

QString ConfigSection::resolvePath(const QString& path) const
{
    if (path.isEmpty())
        return path;
    if (path == u"~" || path.startsWith(u"~/"))
        return QDir::cleanPath(QDir::homePath() + path.mid(1));
    return QDir::cleanPath(m_dir.absoluteFilePath(path));
}

// A required, non-empty string; reports at the owner when absent.
std::optional<QString> ConfigSection::required(const YamlFields& f, QStringView name, const QString& missing)
{
    const YamlField* field = f.find(name);
    if (!field) {
        m_yaml.error(f.owner, missing);
        return std::nullopt;
    }
    const auto text = m_yaml.string(*field);
    if (text && text->trimmed().isEmpty()) {
        m_yaml.error(m_yaml.atKeyOrValue(*field), missing);
        return std::nullopt;
    }
    return text;
}

// Names that become parts of "service/check/item" keys.
std::optional<QString> ConfigSection::name(const YamlFields& f, const QString& what)
{
    const auto text = required(f, u"name", what + u" needs a name");
    if (!text)
        return std::nullopt;
    if (text->contains(u'/')) {
        m_yaml.error(m_yaml.at(f.find(u"name")->value), what + u" name " + quoted(*text) + u" must not contain '/'");
        return std::nullopt;
    }
    return text->trimmed();
}

std::optional<Severity> ConfigSection::severity(const YamlFields& f)
{
    const YamlField* field = f.find(u"severity");
    const auto text = field ? m_yaml.string(*field) : std::nullopt;
    if (!text)
        return std::nullopt;
    const auto s = severityFromName(text->trimmed());
    if (!s)
        m_yaml.error(m_yaml.atKeyOrValue(*field), u"unknown severity " + quoted(*text) + u": use critical or warning");
    return s;
}

// Exactly one of `options` present; returns it (in file order) or reports.
const YamlField* ConfigSection::exactlyOne(
    const YamlFields& f, const QStringList& options, const QString& none, const QString& many)
{
    QList<const YamlField*> present;
    for (const YamlField& field : f.all()) {
        if (options.contains(field.name))
            present += &field;
    }
    std::sort(present.begin(), present.end(), [this](const YamlField* a, const YamlField* b) {
        const SourceLocation la = m_yaml.at(a->key), lb = m_yaml.at(b->key);
        return std::pair(la.line, la.column) < std::pair(lb.line, lb.column);
    });
    if (present.isEmpty()) {
        m_yaml.error(f.owner, none);
        return nullptr;
    }
    if (present.size() > 1) {
        QStringList names;
        for (const YamlField* p : std::as_const(present))
            names += p->name;
        m_yaml.error(m_yaml.at(present[1]->key), many + u"; found " + andList(names));
        return nullptr;
    }
    return present.first();
}

std::optional<QUrl> ConfigSection::httpUrl(const YamlField& field, const QString& missing)
{
    const auto text = m_yaml.string(field);
    if (!text)
        return std::nullopt;
    if (text->trimmed().isEmpty()) {
        m_yaml.error(m_yaml.atKeyOrValue(field), missing);
        return std::nullopt;
    }
    const QUrl url(text->trimmed(), QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") || url.host().isEmpty()) {
        // The text as written: an expanded URL may carry a secret.
        m_yaml.error(m_yaml.at(field.value),
            u"bad url " + YamlReader::describe(field.value) + u": use http:// or https:// and a host");
        return std::nullopt;
    }
    return url;
}

void ConfigSection::parseTls(const YamlField& field, TlsClientConfig& tls)
{
    static const QStringList k = keys("ca cert key insecure");
    const auto f = m_yaml.map(field, QStringLiteral("'tls'"), k);
    if (!f)
        return;
    tls.caFile = resolvePath(m_yaml.string(*f, u"ca").value_or(QString()));
    tls.certFile = resolvePath(m_yaml.string(*f, u"cert").value_or(QString()));
    tls.keyFile = resolvePath(m_yaml.string(*f, u"key").value_or(QString()));
    tls.insecure = m_yaml.boolean(*f, u"insecure").value_or(false);
    if (!tls.keyFile.isEmpty() && tls.certFile.isEmpty())
        m_yaml.error(m_yaml.at(f->find(u"key")->key), QStringLiteral("a client 'key' needs its 'cert'"));
}

std::optional<BasicAuth> ConfigSection::parseBasic(const YamlField& field)
{
    const auto f = m_yaml.map(field, QStringLiteral("'basic'"), keys("username password"));
    if (!f)
        return std::nullopt;
    BasicAuth basic;
    basic.username = required(*f, u"username", QStringLiteral("basic auth needs a username")).value_or(QString());
    basic.password = m_yaml.secret(*f, u"password").value_or(QString());
    return basic;
}

std::optional<QByteArray> ConfigSection::method(const YamlField& field)
{
    const auto text = m_yaml.string(field);
    if (!text)
        return std::nullopt;
    static const QRegularExpression token(QStringLiteral("^[A-Za-z]+$"));
    if (!token.match(text->trimmed()).hasMatch()) {
        m_yaml.error(
            m_yaml.atKeyOrValue(field), u"bad HTTP method " + quoted(*text) + u": use GET, POST, PUT, DELETE...");
        return std::nullopt;
    }
    return text->trimmed().toUpper().toLatin1();
}

void ConfigSection::parseHeaders(const YamlField& field, HttpProbeConfig& h)
{
    const auto f = m_yaml.map(field, QStringLiteral("'headers'"), {}, QStringLiteral("header"));
    if (!f)
        return;
    static const QRegularExpression token(QStringLiteral("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"));
    for (const YamlField& header : f->all()) {
        if (!token.match(header.name).hasMatch()) {
            m_yaml.error(m_yaml.at(header.key), u"bad header name " + quoted(header.name));
            continue;
        }
        const auto value = m_yaml.string(header);
        if (!value)
            continue;
        if (value->contains(u'\n') || value->contains(u'\r')) {
            m_yaml.error(m_yaml.at(header.value), u"header " + quoted(header.name) + u" must be one line");
            continue;
        }
        h.headers += qMakePair(header.name.toLatin1(), value->toUtf8());
    }
}

void ConfigSection::parseAuthAndTls(const YamlFields& f, HttpProbeConfig& h)
{
    if (const YamlField* auth = f.find(u"auth")) {
        static const QStringList authKeys = keys("bearer basic");
        if (const auto a = m_yaml.map(*auth, QStringLiteral("'auth'"), authKeys)) {
            if (const YamlField* which = exactlyOne(*a, authKeys, QStringLiteral("'auth' needs bearer or basic"),
                    QStringLiteral("'auth' takes one of bearer or basic"))) {
                if (which->name == u"bearer")
                    h.bearer = m_yaml.secret(*which).value_or(QString());
                else
                    h.basic = parseBasic(*which);
            }
        }
    }
    if (const YamlField* tls = f.find(u"tls"))
        parseTls(*tls, h.tls);
}

} // namespace hd::configparse
