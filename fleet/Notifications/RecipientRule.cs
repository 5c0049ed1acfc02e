using Edge.Fleet.Auth;

namespace Edge.Fleet.Notifications;

/// <summary>One entry of a notification rule: a role (<c>manager</c>, ...) or a person (<c>user:name</c>).</summary>
public sealed record RecipientRule(string Text, string? Role, string? User)
{
    public bool IsValid => Role is not null || User is not null;

    public static IReadOnlyList<RecipientRule> Parse(string? rule) =>
        (rule ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Entry).ToList();

    /// <summary>
    /// Whether <paramref name="user"/> is meant by this entry for an alert of <paramref name="centre"/>. A manager or a
    /// province officer, named or by role, only ever for the centres they see (an e-mail shows what the API would
    /// refuse them, <see cref="CentreScope.MaySee(FleetUser, string?, IProvinceScope)"/>).
    /// </summary>
    public bool Matches(FleetUser user, string? centre, IProvinceScope provinces)
    {
        var meant = User is not null ? string.Equals(user.Name, User, StringComparison.OrdinalIgnoreCase) : user.Role == Role;
        return meant && CentreScope.MaySee(user, centre, provinces);
    }

    private static RecipientRule Entry(string text) =>
        text.StartsWith("user:", StringComparison.Ordinal) && text.Length > 5
            ? new RecipientRule(text, null, text[5..].ToLowerInvariant())
            : new RecipientRule(text, UserRoles.All.Contains(text) ? text : null, null);
}
