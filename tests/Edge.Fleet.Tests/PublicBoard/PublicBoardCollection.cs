namespace Edge.Fleet.Tests.PublicBoard;

/// <summary>The public board's tests share one <see cref="PublicBoardSite"/> (one fleet process), one test at a time.</summary>
[CollectionDefinition(Name)]
public sealed class PublicBoardCollection : ICollectionFixture<PublicBoardSite>
{
    public const string Name = "public-board";
}
