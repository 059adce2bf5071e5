#include "yamltree.h"

#include <yaml.h>

#include <cstring>
#include <string>
#include <unordered_map>

namespace hd {

YamlNode::Type YamlNode::type() const
{
    return m_tree ? Type(m_tree->m_nodes[m_index].type) : Type::Undefined;
}

QByteArrayView YamlNode::utf8() const
{
    if (!IsScalar())
        return {};
    const YamlTree::Node& n = m_tree->m_nodes[m_index];
    return QByteArrayView((n.inSource ? m_tree->m_source : m_tree->m_text).constData() + n.first, n.count);
}

bool YamlNode::IsPlain() const
{
    return m_tree && m_tree->m_nodes[m_index].plain;
}

qsizetype YamlNode::offset() const
{
    return m_tree ? m_tree->m_nodes[m_index].offset : 0;
}

qsizetype YamlNode::size() const
{
    switch (type()) {
    case Type::Sequence:
        return m_tree->m_nodes[m_index].count;
    case Type::Map:
        return m_tree->m_nodes[m_index].count / 2;
    default:
        return 0;
    }
}

YamlNode YamlNode::item(qsizetype i) const
{
    return YamlNode(m_tree, m_tree->m_children[m_tree->m_nodes[m_index].first + i]);
}

YamlNode YamlNode::key(qsizetype i) const
{
    return item(2 * i);
}

YamlNode YamlNode::value(qsizetype i) const
{
    return item(2 * i + 1);
}

YamlNode YamlTree::root() const
{
    return m_hasRoot ? YamlNode(this, 0) : YamlNode();
}

namespace {

// yaml-cpp's words for the mistakes libyaml finds, where it has them.
const char* yamlCppMessage(const char* problem)
{
    static const std::pair<const char*, const char*> words[] = {
        { "did not find expected ',' or ']'", "end of sequence flow not found" },
        { "did not find expected ',' or '}'", "end of map flow not found" },
        { "did not find expected '-' indicator", "end of sequence not found" },
        { "did not find expected key", "end of map not found" },
        { "mapping values are not allowed in this context", "illegal map value" },
        { "block sequence entries are not allowed in this context", "illegal block entry" },
    };
    for (const auto& [libyaml, yamlCpp] : words) {
        if (std::strcmp(problem, libyaml) == 0)
            return yamlCpp;
    }
    return nullptr;
}

} // namespace

// Turns libyaml's events into a YamlTree. libyaml's marks count characters; the tree keeps byte offsets.
class YamlTreeBuilder final {
public:
    explicit YamlTreeBuilder(const QByteArray& source)
        : m_source(source)
        , m_tree(new YamlTree)
    {
        m_tree->m_source = source;
    }

    YamlTree::Result run()
    {
        if (m_source.size() >= YamlTree::kMaxSource)
            return fail({ QStringLiteral("the text is larger than 128 MiB"), 0 });
        // Reserved, not touched: pages that are never written cost no memory.
        m_tree->m_nodes.reserve(size_t(m_source.size() / 8 + 16));
        m_tree->m_children.reserve(size_t(m_source.size() / 8 + 16));
        yaml_parser_t parser;
        if (!yaml_parser_initialize(&parser))
            return fail({ QStringLiteral("out of memory"), 0 });
        static const unsigned char nothing[1] = {};
        yaml_parser_set_input_string(&parser,
            m_source.isEmpty() ? nothing : reinterpret_cast<const unsigned char*>(m_source.data()),
            size_t(m_source.size()));
        // The text is known to be UTF-8; a BOM is then read as a character, which keeps the count of characters
        // from the first byte.
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
        std::optional<YamlTree::SyntaxError> error;
        for (bool done = false; !done && !error;) {
            yaml_event_t event;
            if (!yaml_parser_parse(&parser, &event)) {
                error = syntaxError(parser);
                break;
            }
            done = event.type == YAML_STREAM_END_EVENT;
            error = handle(event);
            yaml_event_delete(&event);
        }
        yaml_parser_delete(&parser);
        if (error)
            return fail(*error);
        return { std::move(m_tree), std::nullopt };
    }

private:
    using Node = YamlTree::Node;
    using Type = YamlNode::Type;

    static YamlTree::Result fail(YamlTree::SyntaxError error) { return { nullptr, std::move(error) }; }

    static Node makeNode(
        Type type, quint32 at, bool plain = false, bool inSource = false, quint32 first = 0, quint32 count = 0)
    {
        return Node { at, quint32(type), plain, inSource, first, count };
    }

    std::optional<YamlTree::SyntaxError> handle(const yaml_event_t& event)
    {
        qsizetype start = byteOffset(event.start_mark);
        if (isEmptyValue(event))
            start = nextToken(start);
        const quint32 at = quint32(start);
        switch (event.type) {
        case YAML_DOCUMENT_START_EVENT:
            if (++m_documents == 2)
                m_tree->m_secondDocument = at;
            return std::nullopt;
        case YAML_SCALAR_EVENT:
        case YAML_ALIAS_EVENT:
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (m_documents == 1)
                return node(event, at);
            if (m_documents == 2 && !m_secondStarted) {
                m_secondStarted = true;
                m_tree->m_secondDocument = at;
            }
            return std::nullopt;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (m_documents == 1)
                close();
            return std::nullopt;
        default:
            return std::nullopt;
        }
    }

    // An empty value has no text of its own; libyaml places it where the text before it ends, yaml-cpp where the
    // next token starts, and messages keep yaml-cpp's places.
    qsizetype nextToken(qsizetype offset) const
    {
        while (offset < m_source.size()) {
            const char c = m_source[offset];
            if (c == '#') {
                while (offset < m_source.size() && m_source[offset] != '\n')
                    ++offset;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                ++offset;
            } else {
                break;
            }
        }
        return offset;
    }

    static bool isEmptyValue(const yaml_event_t& event)
    {
        return event.type == YAML_SCALAR_EVENT && event.data.scalar.length == 0 && !event.data.scalar.tag
            && !event.data.scalar.anchor && event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE
            && event.start_mark.index == event.end_mark.index;
    }

    std::optional<YamlTree::SyntaxError> node(const yaml_event_t& event, quint32 at)
    {
        std::vector<Node>& nodes = m_tree->m_nodes;
        const yaml_char_t* anchor = nullptr;
        switch (event.type) {
        case YAML_ALIAS_EVENT: {
            const auto found = m_anchors.find(reinterpret_cast<const char*>(event.data.alias.anchor));
            if (found == m_anchors.end())
                return YamlTree::SyntaxError { QStringLiteral("the referenced anchor is not defined"), at };
            attach(found->second);
            return std::nullopt;
        }
        case YAML_SCALAR_EVENT: {
            const auto& s = event.data.scalar;
            const bool plain = s.style == YAML_PLAIN_SCALAR_STYLE && !s.tag;
            const QByteArrayView text(reinterpret_cast<const char*>(s.value), qsizetype(s.length));
            const bool null
                = plain && (text.isEmpty() || text == "~" || text == "null" || text == "Null" || text == "NULL");
            // Most scalars are their source text, after the opening quote if they have one.
            const qsizetype from
                = at + (s.style == YAML_SINGLE_QUOTED_SCALAR_STYLE || s.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE);
            const bool inSource = null || m_source.sliced(std::min(from, m_source.size())).startsWith(text);
            nodes.push_back(makeNode(null ? Type::Null : Type::Scalar, at, plain, inSource,
                quint32(inSource ? from : m_tree->m_text.size()), quint32(null ? 0 : s.length)));
            if (!inSource)
                m_tree->m_text.append(text);
            anchor = s.anchor;
            break;
        }
        case YAML_SEQUENCE_START_EVENT:
            nodes.push_back(makeNode(Type::Sequence, at));
            anchor = event.data.sequence_start.anchor;
            break;
        default:
            nodes.push_back(makeNode(Type::Map, at));
            anchor = event.data.mapping_start.anchor;
            break;
        }
        const quint32 index = quint32(nodes.size() - 1);
        if (anchor)
            m_anchors[reinterpret_cast<const char*>(anchor)] = index; // a later anchor of the same name wins
        attach(index);
        if (event.type == YAML_SEQUENCE_START_EVENT || event.type == YAML_MAPPING_START_EVENT)
            m_open.push_back({ index, m_pending.size() });
        return std::nullopt;
    }

    void attach(quint32 index)
    {
        if (m_open.empty())
            m_tree->m_hasRoot = true; // the first node of the document, index 0
        else
            m_pending.push_back(index);
    }

    // Moves the children of the innermost open collection next to each other in m_children.
    void close()
    {
        const Open open = m_open.back();
        m_open.pop_back();
        std::vector<quint32>& children = m_tree->m_children;
        Node& n = m_tree->m_nodes[open.node];
        n.first = quint32(children.size());
        n.count = quint32(m_pending.size() - open.firstPending);
        children.insert(children.end(), m_pending.begin() + qsizetype(open.firstPending), m_pending.end());
        m_pending.resize(open.firstPending);
    }

    YamlTree::SyntaxError syntaxError(const yaml_parser_t& parser)
    {
        if (parser.error == YAML_MEMORY_ERROR)
            return { QStringLiteral("out of memory"), 0 };
        if (parser.error == YAML_READER_ERROR) // its offset counts bytes
            return { QString::fromUtf8(parser.problem), qsizetype(parser.problem_offset) };
        const char* problem = parser.problem ? parser.problem : "unknown error";
        qsizetype offset = byteOffset(parser.problem_mark);
        const char c = offset < m_source.size() ? m_source[offset] : '\0';
        if (const char* words = yamlCppMessage(problem))
            return { QString::fromLatin1(words), offset };
        if (std::strcmp(problem, "found character that cannot start any token") == 0) {
            if (c != '\t')
                return { QStringLiteral("unknown token"), offset };
            // A tab where the indentation is: reported where the line's text starts, as yaml-cpp did.
            while (offset < m_source.size() && (m_source[offset] == '\t' || m_source[offset] == ' '))
                ++offset;
            return { offset < m_source.size() && m_source[offset] == '-'
                    ? QStringLiteral("illegal block entry")
                    : QStringLiteral("illegal tab when looking for indentation"),
                offset };
        }
        if (std::strcmp(problem, "did not find expected node content") == 0
            || std::strcmp(problem, "did not find expected <document start>") == 0) {
            if (c == ']' || c == '}')
                return { QStringLiteral("illegal flow end"), offset };
            if (offset >= m_source.size())
                return { QStringLiteral("unexpected end of the file"), offset };
            // The whole character, however many bytes it has.
            qsizetype end = offset + 1;
            while (end < m_source.size() && (uchar(m_source[end]) & 0xC0) == 0x80)
                ++end;
            return { u"unexpected '" + QString::fromUtf8(m_source.sliced(offset, end - offset)) + u'\'', offset };
        }
        const char* context = parser.context ? parser.context : "";
        if (std::strcmp(context, "while scanning a quoted scalar") == 0
            && std::strcmp(problem, "found unexpected end of stream") == 0)
            return { QStringLiteral("the quoted text is never closed"), byteOffset(parser.context_mark) };
        if (std::strcmp(context, "while scanning a simple key") == 0) // at the text that should have been a key
            return { QStringLiteral("could not find expected ':'"), byteOffset(parser.context_mark) };
        QString message = QString::fromUtf8(problem);
        if (parser.context)
            message += u' ' + QString::fromUtf8(parser.context);
        return { message, offset };
    }

    // libyaml counts characters; the source is UTF-8. Marks arrive nearly in order, so one cursor walks to each.
    qsizetype byteOffset(const yaml_mark_t& mark)
    {
        const qsizetype target = qsizetype(mark.index);
        while (m_char < target && m_byte < m_source.size()) {
            const uchar lead = uchar(m_source[m_byte]);
            m_byte += lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
            ++m_char;
        }
        while (m_char > target && m_byte > 0) {
            --m_byte;
            while (m_byte > 0 && (uchar(m_source[m_byte]) & 0xC0) == 0x80)
                --m_byte;
            --m_char;
        }
        m_byte = std::min(m_byte, m_source.size());
        return m_byte;
    }

    struct Open {
        quint32 node;
        size_t firstPending;
    };

    QByteArrayView m_source;
    std::unique_ptr<YamlTree> m_tree;
    std::vector<Open> m_open; // the collections not closed yet, innermost last
    std::vector<quint32> m_pending; // their children so far
    std::unordered_map<std::string, quint32> m_anchors;
    int m_documents = 0;
    bool m_secondStarted = false;
    qsizetype m_char = 0;
    qsizetype m_byte = 0;
};

YamlTree::Result YamlTree::parse(const QByteArray& source)
{
    return YamlTreeBuilder(source).run();
}

} // namespace hd
