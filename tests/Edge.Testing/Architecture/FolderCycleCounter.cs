using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Edge.Testing.Architecture;

/// <summary>
/// Builds the type-reference map of one or more compiled assemblies, folds it per folder (the namespace segment after a
/// root namespace: <c>Edge.Device.Queue.Calls</c> under root <c>Edge.Device</c> is folder <c>Queue</c>), and finds the
/// folders that sit in a reference cycle (strongly connected components of more than one folder).
/// </summary>
/// <remarks>
/// A reference is anything the compiler recorded: base types, interfaces, fields, properties, method signatures,
/// attributes, generic arguments and every type, field and method a method body touches. Types directly in the root
/// namespace (Program, registration) are the host's table of contents and are left out: they reference everything by
/// design. Reading the IL rather than the source means a folder wall counts only what compiles.
/// </remarks>
public sealed class FolderCycleCounter
{
    private readonly string root;
    private readonly Dictionary<string, HashSet<string>> edges = new(StringComparer.Ordinal);
    private readonly Dictionary<(string From, string To), SortedSet<string>> reasons = [];

    /// <param name="rootNamespace">Namespace whose next segment names a folder, e.g. <c>Edge.Device</c>.</param>
    public FolderCycleCounter(string rootNamespace) => root = rootNamespace;

    /// <summary>The folders seen, each with the folders its types reference (itself excluded).</summary>
    public IReadOnlyDictionary<string, HashSet<string>> Edges => edges;

    /// <summary>Adds every type of the assembly at <paramref name="path"/> to the map.</summary>
    public FolderCycleCounter Add(string path)
    {
        using var module = ModuleDefinition.ReadModule(path, new ReaderParameters { ReadSymbols = false });
        foreach (var type in module.GetTypes())
        {
            var from = FolderOf(type);
            if (from is null)
            {
                continue;
            }

            var targets = Targets(from);
            foreach (var referenced in References(type))
            {
                var to = FolderOf(referenced);
                if (to is not null && to != from)
                {
                    targets.Add(to);
                    Reason(from, to).Add($"{type.FullName} -> {Outermost(referenced).FullName}");
                }
            }
        }

        return this;
    }

    /// <summary>The type pairs that make the edge <paramref name="from"/> → <paramref name="to"/>, "A.B -> C.D".</summary>
    public IReadOnlyCollection<string> Why(string from, string to) =>
        reasons.TryGetValue((from, to), out var found) ? found : [];

    /// <summary>The cycles: each strongly connected component of more than one folder, folders sorted by name.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles() =>
        new StronglyConnectedComponents(edges).Find()
            .Where(component => component.Count > 1)
            .Select(component => (IReadOnlyList<string>)component.Order(StringComparer.Ordinal).ToList())
            .OrderByDescending(component => component.Count)
            .ToList();

    /// <summary>How many folders sit in some cycle.</summary>
    public int FoldersInCycles => Cycles().Sum(cycle => cycle.Count);

    /// <summary>Pairs of folders that reference each other directly (the shortest cycles), "A&lt;-&gt;B".</summary>
    public IReadOnlyList<string> MutualPairs() =>
        edges.SelectMany(edge => edge.Value
                .Where(to => string.CompareOrdinal(edge.Key, to) < 0 && edges.TryGetValue(to, out var back) && back.Contains(edge.Key))
                .Select(to => $"{edge.Key}<->{to}"))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>One line per cycle and the mutual pairs, for a report or an assertion message.</summary>
    public string Describe()
    {
        var cycles = Cycles();
        var lines = new List<string> { $"{edges.Count} folders, {cycles.Sum(c => c.Count)} in {cycles.Count} cycle(s)" };
        lines.AddRange(cycles.Select(cycle => "  cycle: " + string.Join(", ", cycle)));
        var pairs = MutualPairs();
        if (pairs.Count > 0)
        {
            lines.Add("  mutual: " + string.Join(", ", pairs));
        }

        return string.Join(Environment.NewLine, lines);
    }

    private HashSet<string> Targets(string folder)
    {
        if (!edges.TryGetValue(folder, out var targets))
        {
            edges[folder] = targets = new HashSet<string>(StringComparer.Ordinal);
        }

        return targets;
    }

    private SortedSet<string> Reason(string from, string to)
    {
        if (!reasons.TryGetValue((from, to), out var found))
        {
            reasons[(from, to)] = found = new SortedSet<string>(StringComparer.Ordinal);
        }

        return found;
    }

    private static TypeReference Outermost(TypeReference type)
    {
        while (type is TypeSpecification specification)
        {
            type = specification.ElementType;
        }

        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type;
    }

    private string? FolderOf(TypeReference type)
    {
        type = Outermost(type);
        var ns = type.Namespace;
        if (!ns.StartsWith(root + ".", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = ns[(root.Length + 1)..];
        var dot = rest.IndexOf('.');
        return dot < 0 ? rest : rest[..dot];
    }

    private static IEnumerable<TypeReference> References(TypeDefinition type)
    {
        if (type.BaseType is not null)
        {
            yield return type.BaseType;
        }

        foreach (var item in type.Interfaces)
        {
            yield return item.InterfaceType;
        }

        foreach (var found in Attributes(type.CustomAttributes))
        {
            yield return found;
        }

        foreach (var field in type.Fields)
        {
            foreach (var found in Flatten(field.FieldType))
            {
                yield return found;
            }
        }

        foreach (var property in type.Properties)
        {
            foreach (var found in Flatten(property.PropertyType))
            {
                yield return found;
            }
        }

        foreach (var method in type.Methods)
        {
            foreach (var found in MethodReferences(method))
            {
                yield return found;
            }
        }
    }

    private static IEnumerable<TypeReference> MethodReferences(MethodDefinition method)
    {
        foreach (var found in Flatten(method.ReturnType))
        {
            yield return found;
        }

        foreach (var parameter in method.Parameters)
        {
            foreach (var found in Flatten(parameter.ParameterType))
            {
                yield return found;
            }
        }

        foreach (var found in Attributes(method.CustomAttributes))
        {
            yield return found;
        }

        if (!method.HasBody)
        {
            yield break;
        }

        foreach (var variable in method.Body.Variables)
        {
            foreach (var found in Flatten(variable.VariableType))
            {
                yield return found;
            }
        }

        foreach (var instruction in method.Body.Instructions)
        {
            var operands = instruction.Operand switch
            {
                TypeReference t => Flatten(t),
                FieldReference f => Flatten(f.DeclaringType).Concat(Flatten(f.FieldType)),
                MethodReference m => Flatten(m.DeclaringType).Concat(Flatten(m.ReturnType))
                    .Concat(m is GenericInstanceMethod g ? g.GenericArguments.SelectMany(Flatten) : [])
                    .Concat(m.Parameters.SelectMany(p => Flatten(p.ParameterType))),
                _ => [],
            };
            foreach (var found in operands)
            {
                yield return found;
            }
        }

        foreach (var handler in method.Body.ExceptionHandlers.Where(h => h.HandlerType == ExceptionHandlerType.Catch))
        {
            foreach (var found in Flatten(handler.CatchType))
            {
                yield return found;
            }
        }
    }

    private static IEnumerable<TypeReference> Attributes(IEnumerable<CustomAttribute> attributes) =>
        attributes.SelectMany(attribute => Flatten(attribute.AttributeType)
            .Concat(attribute.ConstructorArguments.Select(a => a.Value).OfType<TypeReference>().SelectMany(Flatten)));

    /// <summary>A type and, for arrays, pointers and generic instances, the types inside it.</summary>
    private static IEnumerable<TypeReference> Flatten(TypeReference? type)
    {
        if (type is null || type is GenericParameter)
        {
            yield break;
        }

        if (type is GenericInstanceType generic)
        {
            foreach (var argument in generic.GenericArguments.SelectMany(Flatten))
            {
                yield return argument;
            }
        }

        if (type is TypeSpecification specification)
        {
            foreach (var inner in Flatten(specification.ElementType))
            {
                yield return inner;
            }

            yield break;
        }

        yield return type;
    }
}
