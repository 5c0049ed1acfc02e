namespace Edge.Fleet.Auth;

public sealed record LoginRequest(string Name, string Password);

public sealed record LoginView(string Token, DateTimeOffset ExpiresAt, string Name, string Role, List<string> Centres, List<string>? Provinces = null);

/// <summary>A person to create or replace; <see cref="Provinces"/> (codes, fleet/Centres) only for a province officer.</summary>
public sealed record UserRequest(string Name, string Role, List<string>? Centres, string? Password, string? Email = null, List<string>? Provinces = null);

public sealed record UserView(string Name, string Role, List<string> Centres, string? Email = null, List<string>? Provinces = null);

public sealed record TokenRequest(string Name);

/// <summary>A new API token, shown once; <see cref="Id"/> names it for <c>DELETE /api/v1/tokens/{id}</c> (it opens nothing).</summary>
public sealed record TokenView(string Token, string Name, string User, string Id);
