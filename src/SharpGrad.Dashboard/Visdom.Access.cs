using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace SharpGrad.Dashboard;

public sealed partial class Visdom
{
    /// <summary>
    /// The token the page, <c>/state</c> and <c>/events</c> require (as Jupyter's <c>?token=</c>), or null when they are
    /// open. Served beyond loopback (a host such as 0.0.0.0) a random one is made unless <c>token: ""</c> opts out;
    /// <see cref="Url"/> carries it, and the first visit with it leaves a cookie so later requests need not.
    /// </summary>
    public string? Token { get; private init; }

    private string CookieName => $"sharpgrad-dashboard-{Port}";

    /// <summary>The token to require: the given one, none for "", a random one beyond loopback when none was given.</summary>
    private static string? ChooseToken(string? token, IPAddress address) => token switch
    {
        "" => null,
        null => IPAddress.IsLoopback(address) ? null : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)),
        _ => token,
    };

    /// <summary>
    /// True when the request may see the dashboard: no token is required, or <c>?token=</c> or the cookie carries it
    /// (compared in constant time). A right <c>?token=</c> sets the cookie (HttpOnly, SameSite=Strict).
    /// </summary>
    private bool Authorized(HttpContext context)
    {
        if (Token is null) return true;
        var request = context.Request;
        if (Matches(request.Query["token"].ToString()))
        {
            context.Response.Cookies.Append(CookieName, Token, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });
            return true;
        }
        return request.Cookies.TryGetValue(CookieName, out var cookie) && Matches(cookie);
    }

    private bool Matches(string? candidate) =>
        !string.IsNullOrEmpty(candidate) && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), Encoding.UTF8.GetBytes(Token!));
}
