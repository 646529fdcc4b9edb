// Consistency of one OWL document under an OWL API 3 reasoner (HermiT or Pellet, as bundled by owlready2).
// Usage: java -cp <reasoner jars>:<classes> ReasonerCheck <reasoner factory class> <document>
// Prints "consistent" or "inconsistent" and exits 0; a document the reasoner refuses exits 2 with its message.
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.reasoner.OWLReasoner;
import org.semanticweb.owlapi.reasoner.OWLReasonerFactory;

public final class ReasonerCheck {
    private ReasonerCheck() {}

    private static OWLReasonerFactory factory(String name) throws ReflectiveOperationException {
        Class<?> type = Class.forName(name);
        try {
            return (OWLReasonerFactory) type.getMethod("getInstance").invoke(null);
        } catch (NoSuchMethodException e) {
            return (OWLReasonerFactory) type.getConstructor().newInstance();
        }
    }

    public static void main(String[] args) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(args[1]));
        System.out.println("axioms " + ontology.getAxiomCount());
        try {
            OWLReasoner reasoner = factory(args[0]).createReasoner(ontology);
            System.out.println(reasoner.isConsistent() ? "consistent" : "inconsistent");
            reasoner.dispose();
        } catch (RuntimeException e) {
            System.out.println("refused: " + e);
            System.exit(2);
        }
    }
}
