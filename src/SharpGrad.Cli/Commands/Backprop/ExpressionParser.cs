using System.Globalization;
using SharpGrad.Cli.Infrastructure;

namespace SharpGrad.Cli.Commands.Backprop;

/// <summary>
/// Turns a scalar expression such as <c>a*b + c</c> or <c>tanh(w*x + b)^2</c> into SharpGrad tensor ops, so that the
/// graph autograd records is the expression's own. Grammar (usual precedence, <c>^</c> and <c>**</c> bind tightest and
/// to the right): sums and differences of products and quotients of powers of atoms; an atom is a number, a variable
/// (a letter, then letters, digits or _), a parenthesised expression or one of exp, log, sin, cos, tanh, sigmoid, relu,
/// sqrt, abs applied to a parenthesised expression. Each variable becomes one float64 0-d leaf that requires grad.
/// </summary>
internal sealed class ExpressionParser
{
    /// <summary>The functions an expression may call.</summary>
    public static readonly string[] Functions = ["exp", "log", "sin", "cos", "tanh", "sigmoid", "relu", "sqrt", "abs"];

    private readonly string _text;
    private readonly Func<string, Tensor> _variable;
    private int _at;

    private ExpressionParser(string text, Func<string, Tensor> variable) => (_text, _variable) = (text, variable);

    /// <summary>
    /// Parses <paramref name="text"/> and evaluates it; <paramref name="variable"/> gives the leaf for each variable name
    /// (called once per occurrence: return the same tensor for the same name).
    /// </summary>
    /// <exception cref="UsageException">The text is not an expression of the grammar: the message names the column.</exception>
    public static Tensor Evaluate(string text, Func<string, Tensor> variable)
    {
        var parser = new ExpressionParser(text, variable);
        var result = parser.Sum();
        parser.SkipSpaces();
        if (parser._at < text.Length) throw parser.Error($"unexpected '{text[parser._at]}'");
        return result.Value;
    }

    /// <summary>The variable names of <paramref name="text"/> in order of first appearance (function names excluded).</summary>
    public static List<string> Variables(string text)
    {
        var names = new List<string>();
        Evaluate(text, name =>
        {
            if (!names.Contains(name)) names.Add(name);
            return Tensor.From(1.0, DType.Float64);
        });
        return names;
    }

    /// <summary>A parsed value: a tensor, or a plain number (kept as a number so that <c>2*a</c> is a scalar op, as in Python).</summary>
    private readonly record struct Operand(Tensor? Tensor, double Number)
    {
        public Tensor Value => Tensor ?? SharpGrad.Tensor.From(Number, DType.Float64);
    }

    private Operand Sum()
    {
        var left = Product();
        while (Peek() is '+' or '-')
        {
            char op = _text[_at++];
            var right = Product();
            left = Combine(left, right, op);
        }
        return left;
    }

    private Operand Product()
    {
        var left = Unary();
        while (Peek() is '*' or '/' && !At("**"))
        {
            char op = _text[_at++];
            var right = Unary();
            left = Combine(left, right, op);
        }
        return left;
    }

    private Operand Unary()
    {
        if (Peek() == '-')
        {
            _at++;
            var x = Unary();
            return x.Tensor is null ? new(null, -x.Number) : new(-x.Tensor, 0);
        }
        if (Peek() == '+') { _at++; return Unary(); }
        return Power();
    }

    private Operand Power()
    {
        var b = Atom();
        SkipSpaces();
        if (At("**") || Peek() == '^')
        {
            _at += At("**") ? 2 : 1;
            var e = Unary();
            if (b.Tensor is null && e.Tensor is null) return new(null, Math.Pow(b.Number, e.Number));
            if (e.Tensor is null) return new(b.Tensor!.Pow(e.Number), 0);
            return new(b.Value.Pow(e.Tensor), 0);
        }
        return b;
    }

    private Operand Atom()
    {
        char c = Peek();
        if (c == '(')
        {
            _at++;
            var inner = Sum();
            Expect(')');
            return inner;
        }
        if (char.IsDigit(c) || c == '.')
        {
            int start = _at;
            while (_at < _text.Length && (char.IsDigit(_text[_at]) || _text[_at] == '.')) _at++;
            if (_at < _text.Length && _text[_at] is 'e' or 'E')
            {
                int save = _at++;
                if (_at < _text.Length && _text[_at] is '+' or '-') _at++;
                if (_at < _text.Length && char.IsDigit(_text[_at])) while (_at < _text.Length && char.IsDigit(_text[_at])) _at++;
                else _at = save;
            }
            string token = _text[start.._at];
            if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            {
                _at = start;
                throw Error($"'{token}' is not a number");
            }
            return new(null, v);
        }
        if (char.IsLetter(c))
        {
            int start = _at;
            while (_at < _text.Length && (char.IsLetterOrDigit(_text[_at]) || _text[_at] == '_')) _at++;
            string name = _text[start.._at];
            if (Peek() == '(')
            {
                if (!Functions.Contains(name))
                {
                    _at = start;
                    throw Error($"unknown function '{name}' (known: {string.Join(", ", Functions)})");
                }
                _at++;
                var arg = Sum();
                Expect(')');
                return new(Apply(name, arg.Value), 0);
            }
            if (Functions.Contains(name)) throw Error($"{name} needs an argument in parentheses, as {name}(x)");
            return new(_variable(name), 0);
        }
        throw Error(_at >= _text.Length ? "the expression ends too early" : $"unexpected '{c}'");
    }

    private static Tensor Apply(string function, Tensor x) => function switch
    {
        "exp" => x.Exp(),
        "log" => x.Log(),
        "sin" => x.Sin(),
        "cos" => x.Cos(),
        "tanh" => x.Tanh(),
        "sigmoid" => x.Sigmoid(),
        "relu" => x.Relu(),
        "sqrt" => x.Sqrt(),
        _ => x.Abs(),
    };

    private static Operand Combine(Operand a, Operand b, char op)
    {
        if (a.Tensor is null && b.Tensor is null)
            return new(null, op switch { '+' => a.Number + b.Number, '-' => a.Number - b.Number, '*' => a.Number * b.Number, _ => a.Number / b.Number });
        Tensor result = (a.Tensor, b.Tensor) switch
        {
            ({ } x, null) => op switch { '+' => x + b.Number, '-' => x - b.Number, '*' => x * b.Number, _ => x / b.Number },
            (null, { } y) => op switch { '+' => a.Number + y, '-' => a.Number - y, '*' => a.Number * y, _ => a.Number / y },
            var (x, y) => op switch { '+' => x! + y!, '-' => x! - y!, '*' => x! * y!, _ => x! / y! },
        };
        return new(result, 0);
    }

    private void Expect(char c)
    {
        if (Peek() != c) throw Error(_at >= _text.Length ? $"missing '{c}' at the end" : $"expected '{c}' but found '{_text[_at]}'");
        _at++;
    }

    private bool At(string token)
    {
        SkipSpaces();
        return string.CompareOrdinal(_text, _at, token, 0, token.Length) == 0;
    }

    private char Peek()
    {
        SkipSpaces();
        return _at < _text.Length ? _text[_at] : '\0';
    }

    private void SkipSpaces()
    {
        while (_at < _text.Length && char.IsWhiteSpace(_text[_at])) _at++;
    }

    private UsageException Error(string what) => new($"--expr: {what} at column {_at + 1} of '{_text}'");
}
