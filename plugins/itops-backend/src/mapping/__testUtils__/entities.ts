export * from '../../testUtils/exampleCatalog';
