#include "yamlreader.h"

#include "config/configvalues.h"
#include "config/envexpand.h"
#include "core/duration.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStringDecoder>
#include <algorithm>
#include <sstream>
#include <yaml-cpp/eventhandler.h>
#include <climits>

namespace hd {

const YamlField* YamlFields::find(QStringView name) const
{
    for (const YamlField& f : m_fields) {
        if (f.name == name)
            return &f;
    }
    return nullptr;
}

YamlReader::YamlReader(QString label, QByteArray source, QProcessEnvironment env)
    : m_label(std::move(label))
    , m_source(std::move(source))
    , m_env(std::move(env))
{
    m_lineStarts += 0;
    for (qsizetype i = 0; i < m_source.size(); ++i) {
        if (m_source[i] == '\n')
            m_lineStarts += i + 1;
    }
}

namespace {

// The offset of the first byte that is not part of UTF-8 text (a NUL counts), or -1. Qt's decoder would quietly
// turn such bytes into U+FFFD, and a service named in Latin-1 would load under a mangled name.
qsizetype firstNonUtf8Byte(const QByteArray& bytes)
{
    QStringDecoder decoder(
        QStringDecoder::Utf8, QStringDecoder::Flag::ConvertInvalidToNull | QStringDecoder::Flag::ConvertInitialBom);
    const QString text = decoder.decode(bytes);
    const qsizetype nul = text.indexOf(QChar(u'\0'));
    // Everything before the first bad byte decoded cleanly, so encoding it again gives back exactly its bytes. A
    // sequence cut off at the end of the file is not decoded at all, which the same count finds.
    const qsizetype good = (nul < 0 ? QStringView(text) : QStringView(text).first(nul)).toUtf8().size();
    return good < bytes.size() ? good : -1;
}

} // namespace

namespace {

// Where each document of a stream starts: its first node, or the document marker when it has none.
class DocumentStarts final : public YAML::EventHandler {
public:
    std::vector<YAML::Mark> starts;

    void OnDocumentStart(const YAML::Mark& mark) override
    {
        starts.push_back(mark);
        m_fresh = true;
    }
    void OnDocumentEnd() override { }
    void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
    void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override
    {
        node(mark);
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override
    {
        node(mark);
    }
    void OnSequenceEnd() override { }
    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override
    {
        node(mark);
    }
    void OnMapEnd() override { }

private:
    void node(const YAML::Mark& mark)
    {
        if (m_fresh)
            starts.back() = mark;
        m_fresh = false;
    }
    bool m_fresh = false;
};

} // namespace

std::optional<YAML::Node> YamlReader::parse()
{
    if (const qsizetype bad = firstNonUtf8Byte(m_source); bad >= 0) {
        error(locationOfOffset(bad),
            QStringLiteral("the config file is not UTF-8 text: byte 0x%1 here is not part of a UTF-8 character "
                           "(YAML files are Unicode; save it as UTF-8)")
                .arg(uchar(m_source[bad]), 2, 16, QChar(u'0')));
        return std::nullopt;
    }
    const std::string text = m_source.toStdString();
    YAML::Node root;
    DocumentStarts documents;
    try {
        // yaml-cpp 0.7's LoadAll() never returns on some malformed input (a stray ',' where a value should start,
        // upstream issue #1040): its parser hands out the same empty document again and again, each one kept,
        // until memory runs out. So Load() reads the first document, and a bounded pass of the event parser
        // counts what follows it.
        root = YAML::Load(text);
        std::istringstream in(text);
        YAML::Parser parser(in);
        while (documents.starts.size() < 8 && parser.HandleNextDocument(documents)) { }
    } catch (const YAML::Exception& e) {
        const SourceLocation where
            = e.mark.is_null() ? SourceLocation { m_label, 1, 1 } : locationOfOffset(byteOffset(e.mark));
        error(where, u"YAML syntax error: " + QString::fromStdString(e.msg) + syntaxHint(where.line));
        return std::nullopt;
    } catch (const std::exception& e) {
        error({ m_label, 1, 1 }, u"cannot read YAML: " + QString::fromLocal8Bit(e.what()));
        return std::nullopt;
    }
    const std::vector<YAML::Mark>& starts = documents.starts;
    const auto stuck = std::adjacent_find(starts.cbegin(), starts.cend(),
        [](const YAML::Mark& a, const YAML::Mark& b) { return a.pos == b.pos; });
    if (stuck != starts.cend()) {
        // A document that starts where the one before it did: yaml-cpp stuck on a token it cannot place.
        const qsizetype offset = byteOffset(*stuck);
        const SourceLocation where = locationOfOffset(offset);
        error(where,
            u"YAML syntax error: unexpected '" + QString::fromUtf8(m_source.mid(offset, 1)) + u'\''
                + syntaxHint(where.line));
        return std::nullopt;
    }
    if (starts.size() > 1) {
        error(locationOfOffset(byteOffset(starts[1])),
            QStringLiteral("a config file holds one YAML document; found a second one"));
        return std::nullopt;
    }
    if (!root.IsDefined() || root.IsNull()) {
        error({ m_label, 1, 1 }, QStringLiteral("the config file is empty"));
        return std::nullopt;
    }
    return root;
}

// The two mistakes people make most, which yaml-cpp reports only vaguely.
QString YamlReader::syntaxHint(int line) const
{
    if (line < 1 || line > m_lineStarts.size())
        return {};
    const qsizetype start = m_lineStarts[line - 1];
    const qsizetype end = line < m_lineStarts.size() ? m_lineStarts[line] : m_source.size();
    const QString text = QString::fromUtf8(m_source.mid(start, end - start));
    qsizetype indent = 0;
    while (indent < text.size() && (text[indent] == u' ' || text[indent] == u'\t'))
        ++indent;
    if (text.first(indent).contains(u'\t'))
        return QStringLiteral(" (the line is indented with a tab; YAML needs spaces)");
    static const QRegularExpression bareCondition(QStringLiteral("(^\\s*-|:)\\s*\\[[A-Z_]+\\]"));
    if (bareCondition.match(text).hasMatch())
        return QStringLiteral(" (quote a condition that starts with '[': \"[STATUS] == 200\")");
    return {};
}

qsizetype YamlReader::byteOffset(const YAML::Mark& mark) const
{
    if (mark.is_null() || mark.line < 0)
        return 0;
    if (mark.line >= m_lineStarts.size())
        return m_source.size();
    return std::min<qsizetype>(m_lineStarts[mark.line] + std::max(mark.column, 0), m_source.size());
}

SourceLocation YamlReader::locationOfOffset(qsizetype offset) const
{
    const auto next = std::upper_bound(m_lineStarts.cbegin(), m_lineStarts.cend(), offset);
    const qsizetype line = std::distance(m_lineStarts.cbegin(), next) - 1;
    // yaml-cpp counts bytes; people count characters.
    int column = 1;
    for (qsizetype i = m_lineStarts[line]; i < offset; ++i) {
        if ((static_cast<unsigned char>(m_source[i]) & 0xC0) != 0x80)
            ++column;
    }
    return { m_label, int(line) + 1, column };
}

SourceLocation YamlReader::at(const YAML::Node& node) const
{
    if (!node.IsDefined())
        return { m_label, 1, 1 };
    return locationOfOffset(byteOffset(node.Mark()));
}

SourceLocation YamlReader::atKeyOrValue(const YamlField& field) const
{
    // An empty value has no text of its own; yaml-cpp marks it on the next line.
    return field.value.IsNull() ? at(field.key) : at(field.value);
}

SourceLocation YamlReader::atContent(const YAML::Node& node) const
{
    qsizetype offset = byteOffset(node.Mark());
    if (node.IsScalar() && offset < m_source.size() && (m_source[offset] == '"' || m_source[offset] == '\''))
        ++offset;
    return locationOfOffset(offset);
}

SourceLocation YamlReader::atText(const YAML::Node& node, QStringView needle) const
{
    const qsizetype start = byteOffset(node.Mark());
    const QByteArray utf8 = needle.toUtf8();
    const qsizetype extent = node.IsScalar() ? qsizetype(node.Scalar().size()) * 2 + 16 : 0;
    const qsizetype found = m_source.indexOf(utf8, start);
    if (found < 0 || found > start + extent)
        return at(node);
    return locationOfOffset(found);
}

void YamlReader::error(const SourceLocation& where, const QString& message)
{
    m_errors += ConfigError { where, message };
}

void YamlReader::warning(const SourceLocation& where, const QString& message)
{
    m_warnings += ConfigError { where, message };
}

namespace {

// In file order, each message once (a merged anchor is read at every use).
QList<ConfigError> sortedUnique(QList<ConfigError> list)
{
    std::stable_sort(list.begin(), list.end(), [](const ConfigError& a, const ConfigError& b) {
        return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
    });
    QList<ConfigError> out;
    for (const ConfigError& e : list) {
        // Equal locations are adjacent after the sort.
        bool seen = false;
        for (auto o = out.crbegin();
             o != out.crend() && o->where.line == e.where.line && o->where.column == e.where.column; ++o)
            seen = seen || o->message == e.message;
        if (!seen)
            out += e;
    }
    return out;
}

QString quoted(QStringView text)
{
    constexpr qsizetype maxShown = 60;
    if (text.size() > maxShown)
        return u'\'' + text.first(maxShown).toString() + u"...'";
    return u'\'' + text.toString() + u'\'';
}

} // namespace

// The first kMaxReported, then one line that counts the rest: a generated config with one mistake repeated
// 90,000 times should not print 90,000 lines.
QList<ConfigError> YamlReader::capped(QList<ConfigError> list, const QString& noun) const
{
    list = sortedUnique(std::move(list));
    if (list.size() > kMaxReported) {
        const qsizetype more = list.size() - kMaxReported;
        list.resize(kMaxReported);
        list += ConfigError { { m_label, 0, 0 }, QStringLiteral("and %1 more %2").arg(more).arg(noun) };
    }
    return list;
}

QList<ConfigError> YamlReader::takeErrors()
{
    return capped(std::exchange(m_errors, {}), QStringLiteral("errors"));
}

QList<ConfigError> YamlReader::takeWarnings()
{
    return capped(std::exchange(m_warnings, {}), QStringLiteral("warnings"));
}

QString YamlReader::describe(const YAML::Node& node)
{
    switch (node.Type()) {
    case YAML::NodeType::Map:
        return QStringLiteral("a map");
    case YAML::NodeType::Sequence:
        return QStringLiteral("a list");
    case YAML::NodeType::Scalar:
        // The text before expansion, so that no secret from the environment is shown.
        return quoted(QString::fromStdString(node.Scalar()));
    default:
        return QStringLiteral("nothing");
    }
}

std::optional<YamlFields> YamlReader::map(
    const YamlField& field, const QString& what, const QStringList& known, const QString& entryNoun)
{
    return map(field.value, at(field.key), what, known, entryNoun);
}

std::optional<YamlFields> YamlReader::map(const YAML::Node& node, const SourceLocation& owner, const QString& what,
    const QStringList& known, const QString& entryNoun)
{
    YamlFields out;
    out.owner = owner;
    out.what = what;
    if (node.IsNull())
        return out;
    if (!node.IsMap()) {
        error(node.IsDefined() ? at(node) : owner, u"expected a map for " + what + u", found " + describe(node));
        return std::nullopt;
    }
    QList<YamlField> merged;
    for (auto it = node.begin(); it != node.end(); ++it) {
        const YAML::Node key = it->first;
        const YAML::Node value = it->second;
        if (!key.IsScalar()) {
            error(at(key), u"keys in " + what + u" must be plain names, found " + describe(key));
            continue;
        }
        if (key.Scalar() == "<<" && key.Tag() == "?") {
            // A YAML merge key: the keys written here win over the merged ones.
            // An alias can point back at its own map, so the nesting is bounded.
            constexpr int maxMergeDepth = 16;
            if (m_mergeDepth >= maxMergeDepth) {
                error(at(key), QStringLiteral("merge keys (<<) nested too deeply"));
                continue;
            }
            const auto mergeOne = [&](const YAML::Node& source) {
                ++m_mergeDepth;
                auto fields = map(source, at(source), what, known, entryNoun);
                --m_mergeDepth;
                if (fields)
                    merged += fields->m_fields;
            };
            if (value.IsSequence()) {
                for (const YAML::Node& item : value)
                    mergeOne(item);
            } else {
                mergeOne(value);
            }
            continue;
        }
        const QString name = scalarText(key, what).value_or(QString());
        if (!known.isEmpty() && !known.contains(name)) {
            const QString guess = closestMatch(name, known);
            error(at(key),
                u"unknown key " + quoted(name) + u" in " + what
                    + (guess.isEmpty() ? QString(u"; expected one of: " + known.join(u", "))
                                       : QString(u"; did you mean '" + guess + u"'?")));
            continue;
        }
        if (const YamlField* first = out.find(name)) {
            error(at(key),
                u"duplicate " + (entryNoun.isEmpty() ? QStringLiteral("key") : entryNoun) + u' ' + quoted(name)
                    + u" (first at line " + QString::number(at(first->key).line) + u')');
            continue;
        }
        out.m_fields += YamlField { name, key, value };
    }
    for (const YamlField& f : std::as_const(merged)) {
        if (!out.has(f.name))
            out.m_fields += f;
    }
    return out;
}

std::optional<QString> YamlReader::scalarText(const YAML::Node& node, const QString& what)
{
    if (node.IsNull())
        return QString();
    if (!node.IsScalar()) {
        error(at(node), u"expected a string for " + what + u", found " + describe(node));
        return std::nullopt;
    }
    const QString raw = QString::fromStdString(node.Scalar());
    const EnvExpansion expanded = expandEnvironment(raw, m_env);
    if (!expanded.error.isEmpty()) {
        error(atText(node, QStringView(raw).mid(expanded.errorOffset, 2)), expanded.error);
        return std::nullopt;
    }
    for (const QString& name : expanded.unsetVariables)
        warning(atText(node, QString(u"${" + name)), u"environment variable " + name + u" is not set");
    return expanded.text;
}

bool YamlReader::requireValue(const YamlField& field)
{
    if (field.value.IsNull()) {
        error(at(field.key), u'\'' + field.name + u"' needs a value");
        return false;
    }
    return true;
}

std::optional<QString> YamlReader::string(const YamlField& field)
{
    return scalarText(field.value, u'\'' + field.name + u'\'');
}

std::optional<int> YamlReader::integer(const YamlField& field, int min, int max)
{
    if (!requireValue(field))
        return std::nullopt;
    const bool scalar = field.value.IsScalar();
    const auto text = scalar ? scalarText(field.value, field.name) : std::nullopt;
    if (scalar && !text)
        return std::nullopt;
    bool ok = false;
    const qlonglong value = text ? text->trimmed().toLongLong(&ok) : 0;
    if (!ok) {
        error(at(field.value), u'\'' + field.name + u"' must be a whole number, found " + describe(field.value));
        return std::nullopt;
    }
    if (value < min || value > max) {
        const QString range = max == INT_MAX
            ? QString(u"at least " + QString::number(min))
            : QString(u"between " + QString::number(min) + u" and " + QString::number(max));
        error(at(field.value), u'\'' + field.name + u"' must be " + range + u", found " + QString::number(value));
        return std::nullopt;
    }
    return int(value);
}

std::optional<bool> YamlReader::boolean(const YamlField& field)
{
    if (!requireValue(field))
        return std::nullopt;
    if (field.value.IsScalar()) {
        const auto text = scalarText(field.value, field.name);
        if (!text)
            return std::nullopt;
        const QString t = text->trimmed().toLower();
        if (t == u"true" || t == u"yes" || t == u"on")
            return true;
        if (t == u"false" || t == u"no" || t == u"off")
            return false;
    }
    error(at(field.value), u'\'' + field.name + u"' must be true or false, found " + describe(field.value));
    return std::nullopt;
}

std::optional<qint64> YamlReader::duration(const YamlField& field)
{
    if (!requireValue(field))
        return std::nullopt;
    if (!field.value.IsScalar()) {
        error(
            at(field.value), u'\'' + field.name + u"' must be a duration such as 10s, found " + describe(field.value));
        return std::nullopt;
    }
    const auto text = scalarText(field.value, field.name);
    if (!text)
        return std::nullopt;
    const auto ms = parseDurationMs(*text);
    if (!ms) {
        error(at(field.value), u"bad duration " + quoted(*text) + u": use 250ms, 10s, 5m or 1h");
        return std::nullopt;
    }
    if (*ms <= 0) {
        error(at(field.value), u'\'' + field.name + u"' must be greater than 0");
        return std::nullopt;
    }
    return ms;
}

std::optional<qint64> YamlReader::size(const YamlField& field)
{
    if (!requireValue(field))
        return std::nullopt;
    const auto text = field.value.IsScalar() ? scalarText(field.value, field.name) : std::nullopt;
    const auto bytes = text ? parseSizeBytes(*text) : std::nullopt;
    if (!bytes) {
        error(at(field.value),
            u"bad size " + (text ? quoted(*text) : describe(field.value)) + u" for '" + field.name
                + u"': use a byte count or a size such as 512KB, 4MB or 1MiB");
        return std::nullopt;
    }
    return bytes;
}

std::optional<QList<LocatedString>> YamlReader::stringList(const YamlField& field)
{
    QList<LocatedString> out;
    if (field.value.IsNull())
        return out;
    if (!field.value.IsSequence()) {
        error(at(field.value), u'\'' + field.name + u"' must be a list such as [a, b], found " + describe(field.value));
        return std::nullopt;
    }
    bool ok = true;
    for (const YAML::Node& item : field.value) {
        const auto text = scalarText(item, u"an item of '" + field.name + u'\'');
        if (text)
            out += LocatedString { *text, at(item) };
        else
            ok = false;
    }
    if (!ok)
        return std::nullopt;
    return out;
}

std::optional<QString> YamlReader::secret(const YamlField& field)
{
    const std::optional<QString> text = string(field);
    if (text && !text->isEmpty())
        noteSecret(field, field.name);
    return text;
}

void YamlReader::noteSecret(const YamlField& field, const QString& what)
{
    if (field.value.IsScalar() && !QString::fromStdString(field.value.Scalar()).contains(u"${"))
        m_literalSecrets += LocatedString { what, at(field.value) };
}

std::optional<QString> YamlReader::secret(const YamlFields& fields, QStringView name)
{
    const YamlField* f = fields.find(name);
    return f ? secret(*f) : std::nullopt;
}

std::optional<QString> YamlReader::string(const YamlFields& fields, QStringView name)
{
    const YamlField* f = fields.find(name);
    return f ? string(*f) : std::nullopt;
}

std::optional<int> YamlReader::integer(const YamlFields& fields, QStringView name, int min, int max)
{
    const YamlField* f = fields.find(name);
    return f ? integer(*f, min, max) : std::nullopt;
}

std::optional<bool> YamlReader::boolean(const YamlFields& fields, QStringView name)
{
    const YamlField* f = fields.find(name);
    return f ? boolean(*f) : std::nullopt;
}

std::optional<qint64> YamlReader::duration(const YamlFields& fields, QStringView name)
{
    const YamlField* f = fields.find(name);
    return f ? duration(*f) : std::nullopt;
}

std::optional<qint64> YamlReader::size(const YamlFields& fields, QStringView name)
{
    const YamlField* f = fields.find(name);
    return f ? size(*f) : std::nullopt;
}

std::optional<QList<LocatedString>> YamlReader::stringList(const YamlFields& fields, QStringView name)
{
    const YamlField* f = fields.find(name);
    return f ? stringList(*f) : std::nullopt;
}

std::optional<QJsonValue> YamlReader::json(const YAML::Node& node, int depth)
{
    constexpr int maxDepth = 64;
    if (depth > maxDepth) {
        error(at(node), QStringLiteral("value nested too deeply"));
        return std::nullopt;
    }
    if (node.IsNull())
        return QJsonValue(QJsonValue::Null);
    if (node.IsSequence()) {
        QJsonArray array;
        for (const YAML::Node& item : node) {
            const auto v = json(item, depth + 1);
            if (!v)
                return std::nullopt;
            array.append(*v);
        }
        return array;
    }
    if (node.IsMap()) {
        QJsonObject object;
        for (auto it = node.begin(); it != node.end(); ++it) {
            const auto key = scalarText(it->first, QStringLiteral("a key"));
            const auto v = key ? json(it->second, depth + 1) : std::nullopt;
            if (!v)
                return std::nullopt;
            object.insert(*key, *v);
        }
        return object;
    }
    const auto text = scalarText(node, QStringLiteral("a value"));
    if (!text)
        return std::nullopt;
    if (node.Tag() != "?") // quoted or explicitly tagged: a string as written
        return QJsonValue(*text);
    if (*text == u"true" || *text == u"false")
        return QJsonValue(*text == u"true");
    static const QRegularExpression integer(QStringLiteral("^[-+]?[0-9]+$"));
    static const QRegularExpression real(QStringLiteral("^[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?$"));
    bool ok = false;
    if (integer.match(*text).hasMatch()) {
        const qint64 i = text->toLongLong(&ok);
        if (ok)
            return QJsonValue(i);
    }
    if (real.match(*text).hasMatch()) {
        const double d = text->toDouble(&ok);
        if (ok)
            return QJsonValue(d);
    }
    return QJsonValue(*text);
}

} // namespace hd
