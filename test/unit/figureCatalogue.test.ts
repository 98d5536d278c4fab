import { expect } from 'chai';
import { catalogueNames, type CatalogueStructure } from '../../server/domain/figureCatalogue.js';
import { cellKey, orgRef } from '../../server/domain/figureCell.js';

// Which plan decides which cell: förbund alone, förbund that share a project together, the
// installation on top unless one group is all of it.

const structure = (subprojects: CatalogueStructure['subprojects']): CatalogueStructure => ({
  federations: [1, 2, 3],
  interventions: [
    { id: 10, federationId: 1, subprojectId: subprojects.find((x) => x.federationId === 1)?.id ?? null, individual: true },
    { id: 11, federationId: 1, subprojectId: null, individual: true },
    { id: 20, federationId: 2, subprojectId: subprojects.find((x) => x.federationId === 2)?.id ?? null, individual: true },
    { id: 30, federationId: 3, subprojectId: subprojects.find((x) => x.federationId === 3)?.id ?? null, individual: true },
  ],
  subprojects,
  rounds: [],
  targets: [],
  exitGroups: {},
});
const cell = (org: string) => cellKey('s:health@start', org, 'all', 'all');

describe('figureCatalogue.catalogueNames', () => {
  it('plans each förbund alone and the installation on top when no project links them', () => {
    const names = catalogueNames(structure([]));
    expect([...names.components]).to.deep.equal([[1, [1]], [2, [2]], [3, [3]]]);
    const of = (org: string) => names.componentOf(names.canonical(cell(org)));
    expect([of(orgRef.federation(2)), of(orgRef.intervention(11)), of(orgRef.others(1, 10)), of(orgRef.installation)]).to.deep.equal([2, 1, 1, 'top']);
  });

  it('plans förbund that share a project together, with the project; the installation with them when they are all', () => {
    const two = catalogueNames(structure([{ id: 5, projectId: 7, federationId: 1 }, { id: 6, projectId: 7, federationId: 2 }]));
    expect([...two.components]).to.deep.equal([[1, [1, 2]], [3, [3]]]);
    const of = (org: string) => two.componentOf(two.canonical(cell(org)));
    expect([of(orgRef.project(7)), of(orgRef.subproject(6)), of(orgRef.federation(3)), of(orgRef.installation)]).to.deep.equal([1, 1, 3, 'top']);

    const all = catalogueNames(structure([{ id: 5, projectId: 7, federationId: 3 }, { id: 6, projectId: 7, federationId: 2 }, { id: 8, projectId: 9, federationId: 1 }, { id: 4, projectId: 9, federationId: 3 }]));
    expect([...all.components]).to.deep.equal([[1, [1, 2, 3]]]);
    expect(all.componentOf(all.canonical(cell(orgRef.installation)))).to.equal(1);
  });

  it('names a group by its people, the same in every build', () => {
    const a = catalogueNames(structure([]));
    const b = catalogueNames(structure([{ id: 5, projectId: 7, federationId: 3 }]));
    expect(a.canonical(cell(orgRef.federation(3)))).to.equal(a.canonical(cell(orgRef.intervention(30))));
    expect(a.canonical(cell(orgRef.others(1, 10)))).to.equal(a.canonical(cell(orgRef.intervention(11))));
    expect(b.canonical(cell(orgRef.federation(1)))).to.equal(a.canonical(cell(orgRef.federation(1))));
    expect(b.canonical(cell(orgRef.project(7)))).to.equal(a.canonical(cell(orgRef.federation(3))));
  });
});
