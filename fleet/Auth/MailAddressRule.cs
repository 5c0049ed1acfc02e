namespace Edge.Fleet.Auth;

/// <summary>What the fleet accepts as a person's e-mail address: one <c>local@domain</c>, no display name, no spaces.</summary>
public static class MailAddressRule
{
    public const int MaxLength = 254;

    public static bool IsValid(string address)
    {
        if (address.Length is 0 or > MaxLength || address.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or ',' or ';'))
        {
            return false;
        }

        var at = address.LastIndexOf('@');
        return at > 0 && at < address.Length - 1 && address.IndexOf('@') == at && address[(at + 1)..].Contains('.');
    }
}
