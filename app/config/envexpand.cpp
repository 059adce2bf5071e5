#include "envexpand.h"

namespace hd {

namespace {

bool isNameStart(QChar c)
{
    return (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z') || c == u'_';
}

bool isNameChar(QChar c)
{
    return isNameStart(c) || (c >= u'0' && c <= u'9');
}

class Expander {
public:
    Expander(QStringView input, const QProcessEnvironment& env)
        : m_in(input)
        , m_env(env)
    {
    }

    // Expands m_in[pos, end). When `closing` is set, stops at the first unmatched '}'
    // and returns its index through `pos`.
    bool expand(qsizetype& pos, bool closing, QString& out, bool evaluate)
    {
        while (pos < m_in.size()) {
            const QChar c = m_in[pos];
            if (closing && c == u'}')
                return true;
            if (c == u'$' && m_in.mid(pos + 1).startsWith(u"${")) {
                out += u"${";
                pos += 3;
                continue;
            }
            if (c == u'$' && pos + 1 < m_in.size() && m_in[pos + 1] == u'{') {
                if (!reference(pos, out, evaluate))
                    return false;
                continue;
            }
            out += c;
            ++pos;
        }
        return !closing;
    }

    // Parses the reference at m_in[pos] == '$' and leaves pos after its '}'.
    bool reference(qsizetype& pos, QString& out, bool evaluate)
    {
        const qsizetype start = pos;
        qsizetype i = pos + 2;
        const qsizetype nameStart = i;
        if (i < m_in.size() && isNameStart(m_in[i])) {
            while (i < m_in.size() && isNameChar(m_in[i]))
                ++i;
        }
        const QString name = m_in.mid(nameStart, i - nameStart).toString();
        if (i >= m_in.size())
            return fail(start, QStringLiteral("unterminated '${' (write '$${' for a literal '${')"));
        if (name.isEmpty()) {
            return fail(start,
                m_in[i] == u'}'
                    ? QStringLiteral("empty variable name in '${}'")
                    : QStringLiteral("bad environment variable name after '${': use letters, digits and '_'"));
        }
        if (m_in[i] == u'}') {
            pos = i + 1;
            if (evaluate) {
                if (m_env.contains(name))
                    out += m_env.value(name);
                else if (!m_unset.contains(name))
                    m_unset += name;
            }
            return true;
        }
        if (!m_in.mid(i).startsWith(u":-")) {
            if (!m_in.mid(i).contains(u'}'))
                return fail(start, QStringLiteral("unterminated '${' (write '$${' for a literal '${')"));
            return fail(start, QStringLiteral("unsupported expansion of %1: use ${%1} or ${%1:-default}").arg(name));
        }
        i += 2;
        const QString value = m_env.value(name);
        const bool useDefault = value.isEmpty();
        QString fallback;
        if (!expand(i, true, fallback, evaluate && useDefault))
            return m_error.isEmpty() ? fail(start, QStringLiteral("unterminated '${' (write '$${' for a literal '${')"))
                                     : false;
        pos = i + 1;
        if (evaluate)
            out += useDefault ? fallback : value;
        return true;
    }

    bool fail(qsizetype at, const QString& message)
    {
        if (m_error.isEmpty()) {
            m_error = message;
            m_errorOffset = at;
        }
        return false;
    }

    QStringView m_in;
    const QProcessEnvironment& m_env;
    QStringList m_unset;
    QString m_error;
    qsizetype m_errorOffset = -1;
};

} // namespace

EnvExpansion expandEnvironment(QStringView text, const QProcessEnvironment& env)
{
    EnvExpansion result;
    if (!text.contains(u'$')) {
        result.text = text.toString();
        return result;
    }
    Expander expander(text, env);
    qsizetype pos = 0;
    QString out;
    if (expander.expand(pos, false, out, true)) {
        result.text = out;
        result.unsetVariables = expander.m_unset;
    } else {
        result.text = text.toString();
        result.error = expander.m_error;
        result.errorOffset = expander.m_errorOffset;
    }
    return result;
}

} // namespace hd
