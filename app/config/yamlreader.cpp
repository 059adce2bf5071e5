#include "yamlreader.h"

#include "config/configvalues.h"
#include "config/envexpand.h"
#include "core/duration.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <algorithm>
#include <climits>
#include <cstring>

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
    const char* const text = m_source.constData(); // no copy of a shared source
    const char* const end = text + std::min(m_source.size(), YamlTree::kMaxSource); // larger is refused anyway
    for (const char* p = text; (p = static_cast<const char*>(std::memchr(p, '\n', end - p))); ++p)
        m_lineStarts += p - text + 1;
}

namespace {

// The offset of the first byte that is not part of UTF-8 text (a NUL counts), or -1. Qt's decoder would quietly
// turn such bytes into U+FFFD, and a service named in Latin-1 would load under a mangled name. Overlong forms,
// surrogates and code points past U+10FFFF are not UTF-8 either; a sequence cut off at the end of the file is
// reported at its first byte.
qsizetype firstNonUtf8Byte(QByteArrayView bytes)
{
    const auto* p = reinterpret_cast<const uchar*>(bytes.data());
    const qsizetype n = bytes.size();
    for (qsizetype i = 0; i < n;) {
        const uchar lead = p[i];
        if (lead >= 0x01 && lead < 0x80) {
            ++i;
            continue;
        }
        const int length = (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3 : (lead & 0xF8) == 0xF0 ? 4 : 0;
        if (length == 0 || i + length > n)
            return i;
        char32_t cp = lead & (0x7F >> length);
        for (int k = 1; k < length; ++k) {
            if ((p[i + k] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        static constexpr char32_t smallest[] = { 0, 0, 0x80, 0x800, 0x10000 };
        if (cp < smallest[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += length;
    }
    return -1;
}

} // namespace

std::optional<YamlNode> YamlReader::parse()
{
    if (const qsizetype bad = firstNonUtf8Byte(m_source); bad >= 0) {
        error(locationOfOffset(bad),
            QStringLiteral("the config file is not UTF-8 text: byte 0x%1 here is not part of a UTF-8 character "
                           "(YAML files are Unicode; save it as UTF-8)")
                .arg(uchar(m_source[bad]), 2, 16, QChar(u'0')));
        return std::nullopt;
    }
    YamlTree::Result parsed = YamlTree::parse(m_source);
    if (parsed.error) {
        const SourceLocation where = locationOfOffset(parsed.error->offset);
        error(where, u"YAML syntax error: " + parsed.error->message + syntaxHint(where.line));
        return std::nullopt;
    }
    m_tree = std::move(parsed.tree);
    if (m_tree->secondDocument() >= 0) {
        error(locationOfOffset(m_tree->secondDocument()),
            QStringLiteral("a config file holds one YAML document; found a second one"));
        return std::nullopt;
    }
    const YamlNode root = m_tree->root();
    if (!root.IsDefined() || root.IsNull()) {
        error({ m_label, 1, 1 }, QStringLiteral("the config file is empty"));
        return std::nullopt;
    }
    return root;
}

// The two mistakes people make most, which YAML parsers report only vaguely.
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

SourceLocation YamlReader::locationOfOffset(qsizetype offset) const
{
    const auto next = std::upper_bound(m_lineStarts.cbegin(), m_lineStarts.cend(), offset);
    const qsizetype line = std::distance(m_lineStarts.cbegin(), next) - 1;
    // Offsets count bytes; people count characters.
    int column = 1;
    for (qsizetype i = m_lineStarts[line]; i < offset; ++i) {
        if ((static_cast<unsigned char>(m_source[i]) & 0xC0) != 0x80)
            ++column;
    }
    return { m_label, int(line) + 1, column };
}

SourceLocation YamlReader::at(const YamlNode& node) const
{
    if (!node.IsDefined())
        return { m_label, 1, 1 };
    return locationOfOffset(node.offset());
}

SourceLocation YamlReader::atKeyOrValue(const YamlField& field) const
{
    // An empty value has no text of its own; it is placed where the next token starts, often the next line.
    return field.value.IsNull() ? at(field.key) : at(field.value);
}

SourceLocation YamlReader::atContent(const YamlNode& node) const
{
    qsizetype offset = node.offset();
    if (node.IsScalar() && offset < m_source.size() && (m_source[offset] == '"' || m_source[offset] == '\''))
        ++offset;
    return locationOfOffset(offset);
}

SourceLocation YamlReader::atText(const YamlNode& node, QStringView needle) const
{
    const qsizetype start = node.offset();
    const QByteArray utf8 = needle.toUtf8();
    const qsizetype extent = node.IsScalar() ? node.utf8().size() * 2 + 16 : 0;
    const qsizetype found = m_source.indexOf(utf8, start);
    if (found < 0 || found > start + extent)
        return at(node);
    return locationOfOffset(found);
}

void YamlReader::error(const SourceLocation& where, const QString& message)
{
    m_errors.add(where, message);
}

void YamlReader::warning(const SourceLocation& where, const QString& message)
{
    m_warnings.add(where, message);
}

void YamlReader::Messages::add(const SourceLocation& where, const QString& message)
{
    // A merged anchor is read at every use: the same message at the same place counts once.
    QByteArray key(sizeof(int) * 2 + sizeof(size_t), Qt::Uninitialized);
    const size_t hash = qHash(message);
    std::memcpy(key.data(), &where.line, sizeof(int));
    std::memcpy(key.data() + sizeof(int), &where.column, sizeof(int));
    std::memcpy(key.data() + 2 * sizeof(int), &hash, sizeof(size_t));
    if (m_seen.contains(key))
        return;
    m_seen.insert(key);
    const auto later
        = std::upper_bound(m_first.begin(), m_first.end(), where, [](const SourceLocation& at, const ConfigError& e) {
              return std::pair(at.line, at.column) < std::pair(e.where.line, e.where.column);
          });
    if (later == m_first.end() && m_first.size() >= kMaxReported)
        return;
    m_first.insert(later, ConfigError { where, message });
    if (m_first.size() > kMaxReported)
        m_first.removeLast();
}

// The first kMaxReported in file order, then one line that counts the rest.
QList<ConfigError> YamlReader::Messages::take(const QString& label, const QString& noun)
{
    QList<ConfigError> list = std::exchange(m_first, {});
    const qsizetype more = m_seen.size() - list.size();
    m_seen.clear();
    if (more > 0)
        list += ConfigError { { label, 0, 0 }, QStringLiteral("and %1 more %2").arg(more).arg(noun) };
    return list;
}

namespace {

QString quoted(QStringView text)
{
    constexpr qsizetype maxShown = 60;
    if (text.size() > maxShown)
        return u'\'' + text.first(maxShown).toString() + u"...'";
    return u'\'' + text.toString() + u'\'';
}

} // namespace

QList<ConfigError> YamlReader::takeErrors()
{
    return m_errors.take(m_label, QStringLiteral("errors"));
}

QList<ConfigError> YamlReader::takeWarnings()
{
    return m_warnings.take(m_label, QStringLiteral("warnings"));
}

QString YamlReader::describe(const YamlNode& node)
{
    switch (node.type()) {
    case YamlNode::Type::Map:
        return QStringLiteral("a map");
    case YamlNode::Type::Sequence:
        return QStringLiteral("a list");
    case YamlNode::Type::Scalar:
        // The text before expansion, so that no secret from the environment is shown.
        return quoted(node.Scalar());
    default:
        return QStringLiteral("nothing");
    }
}

std::optional<YamlFields> YamlReader::map(
    const YamlField& field, const QString& what, const QStringList& known, const QString& entryNoun)
{
    return map(field.value, at(field.key), what, known, entryNoun);
}

std::optional<YamlFields> YamlReader::map(const YamlNode& node, const SourceLocation& owner, const QString& what,
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
    for (qsizetype i = 0; i < node.size(); ++i) {
        const YamlNode key = node.key(i);
        const YamlNode value = node.value(i);
        if (!key.IsScalar()) {
            error(at(key), u"keys in " + what + u" must be plain names, found " + describe(key));
            continue;
        }
        if (key.IsPlain() && key.utf8() == "<<") {
            // A YAML merge key: the keys written here win over the merged ones.
            // An alias can point back at its own map, so the nesting is bounded.
            constexpr int maxMergeDepth = 16;
            if (m_mergeDepth >= maxMergeDepth) {
                error(at(key), QStringLiteral("merge keys (<<) nested too deeply"));
                continue;
            }
            const auto mergeOne = [&](const YamlNode& source) {
                ++m_mergeDepth;
                auto fields = map(source, at(source), what, known, entryNoun);
                --m_mergeDepth;
                if (fields)
                    merged += fields->m_fields;
            };
            if (value.IsSequence()) {
                for (const YamlNode& item : value)
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

std::optional<QString> YamlReader::scalarText(const YamlNode& node, const QString& what)
{
    if (node.IsNull())
        return QString();
    if (!node.IsScalar()) {
        error(at(node), u"expected a string for " + what + u", found " + describe(node));
        return std::nullopt;
    }
    const QString raw = node.Scalar();
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
    for (const YamlNode& item : field.value) {
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
    if (field.value.IsScalar() && !field.value.utf8().contains("${"))
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

std::optional<QJsonValue> YamlReader::json(const YamlNode& node, int depth)
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
        for (const YamlNode& item : node) {
            const auto v = json(item, depth + 1);
            if (!v)
                return std::nullopt;
            array.append(*v);
        }
        return array;
    }
    if (node.IsMap()) {
        QJsonObject object;
        for (qsizetype i = 0; i < node.size(); ++i) {
            const auto key = scalarText(node.key(i), QStringLiteral("a key"));
            const auto v = key ? json(node.value(i), depth + 1) : std::nullopt;
            if (!v)
                return std::nullopt;
            object.insert(*key, *v);
        }
        return object;
    }
    const auto text = scalarText(node, QStringLiteral("a value"));
    if (!text)
        return std::nullopt;
    if (!node.IsPlain()) // quoted or explicitly tagged: a string as written
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
