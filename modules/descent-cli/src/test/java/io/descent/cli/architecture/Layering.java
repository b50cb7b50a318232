package io.descent.cli.architecture;

import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Descent's layering as rules: which module may use which (module {@code descent-X} owns the packages
 * {@code io.descent.X..}), no package cycles, and no test doubles in main code.
 */
final class Layering
{
    /** Each module and the modules it may use, lowest first. */
    static final Map<String, Set<String>> MODULES = modules();

    private Layering()
    {
    }

    private static Map<String, Set<String>> modules()
    {
        final Map<String, Set<String>> modules = new LinkedHashMap<>();
        modules.put("nn", Set.of());
        modules.put("data", Set.of("nn"));
        modules.put("train", Set.of("nn", "data"));
        modules.put("transport", Set.of());
        modules.put("report", Set.of());
        modules.put("pki", Set.of("nn"));
        modules.put("cluster", Set.of("nn", "data", "train", "transport", "pki"));
        modules.put("model", Set.of("nn", "data", "train", "report"));
        modules.put("k8s", Set.of("nn", "train", "report", "pki"));
        modules.put("bench", Set.of("nn", "data", "train", "transport", "report", "pki", "cluster", "k8s"));
        modules.put("cli", Set.of("nn", "data", "train", "transport", "report", "pki", "cluster", "model", "k8s",
            "bench"));
        return modules;
    }

    /** @return the packages of module {@code name}, as an ArchUnit package pattern. */
    static String packagesOf(final String name)
    {
        return "io.descent." + name + "..";
    }

    /** @return a rule per module: its classes use no module it may not use (nothing reaches up or sideways). */
    static ArchRule modulesReachOnlyDown()
    {
        final List<ArchRule> rules = new ArrayList<>();
        MODULES.forEach((module, allowed) ->
        {
            final String[] forbidden = MODULES.keySet().stream()
                .filter(other -> !other.equals(module) && !allowed.contains(other))
                .map(Layering::packagesOf)
                .toArray(String[]::new);
            if (forbidden.length > 0)
            {
                rules.add(noClasses().that().resideInAPackage(packagesOf(module))
                    .should().dependOnClassesThat().resideInAnyPackage(forbidden)
                    .because("descent-" + module + " may use only " + (allowed.isEmpty() ? "no other Descent module" :
                        "descent-" + String.join(", descent-", allowed.stream().sorted().toList())))
                    .allowEmptyShould(true));
            }
        });
        return CompositeArchRule.of(rules);
    }

    /** @return every Descent class lives in a module's packages (a new top-level package must be placed). */
    static ArchRule everyClassInAModule()
    {
        return classes().that().resideInAPackage("io.descent..")
            .should().resideInAnyPackage(MODULES.keySet().stream().map(Layering::packagesOf).toArray(String[]::new))
            .because("every package of Descent belongs to one module, and the module map above names them");
    }

    /** @return no package of Descent uses a package that uses it back, directly or through others. */
    static ArchRule noPackageCycles()
    {
        return slices().matching("io.descent.(**)").should().beFreeOfCycles();
    }

    /** @return no test double ships in main code (they live in test code and the test-jars). */
    static ArchRule noTestDoublesInMain()
    {
        return noClasses().that().resideInAPackage("io.descent..")
            .should().haveSimpleNameStartingWith("InMemory")
            .orShould().haveSimpleNameStartingWith("Fake")
            .orShould().haveSimpleNameStartingWith("Stub")
            .orShould().haveSimpleNameStartingWith("Mock")
            .because("test doubles belong in test code (a module's test-jar when other modules' tests need them)");
    }
}
